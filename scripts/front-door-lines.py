#!/usr/bin/env python3
# Non-blank Rust lines outside #[cfg(test)] items, per crate, at a git revision: the figures of
# docs/architecture.md ("Size of the front doors").  Usage: python3 scripts/front-door-lines.py [REV]
import sys,glob,re,subprocess
def nontest(text):
    lines=text.split('\n')
    out=0; skip=False; depth=0
    i=0
    while i<len(lines):
        l=lines[i]
        if l.strip()=='#[cfg(test)]':
            # skip the following item (mod tests { ... })
            j=i+1; d=0; started=False
            while j<len(lines):
                d+=lines[j].count('{')-lines[j].count('}')
                if '{' in lines[j]: started=True
                if started and d<=0: break
                j+=1
            i=j+1; continue
        if l.strip(): out+=1
        i+=1
    return out
def count(rev, pattern):
    files=subprocess.run(['git','ls-tree','-r','--name-only',rev],capture_output=True,text=True).stdout.split()
    tot=0
    for f in files:
        if re.match(pattern,f) and f.endswith('.rs'):
            t=subprocess.run(['git','show',f'{rev}:{f}'],capture_output=True,text=True).stdout
            tot+=nontest(t)
    return tot
rev=sys.argv[1] if len(sys.argv) > 1 else "HEAD"
print(rev, 'core', count(rev,r'core/src/'), 'python', count(rev,r'bindings-python/src/'), 'wasm', count(rev,r'bindings-wasm/src/'), 'cli', count(rev,r'cli/src/'))
