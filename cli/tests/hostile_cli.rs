//! The `attain` binary against a hostile environment: a reader that closes the pipe early ends
//! it quietly (exit 0), a full disk is an error naming what could not be written (exit 2), and
//! plan text cannot send escapes to the terminal. Runs the built binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh folder under the system temp folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(files: &[(&str, &str)]) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("attain-hostile-cli-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        for (path, content) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        TempDir(dir)
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Plan text with a screen-clearing escape, a colour escape and a line break in it.
const PLAN: &str = r#"[plan]
id = "hostile"
title = "Plan \u001b[2J\u001b[H title"
entity = "1"
period = "2022"
[[goal]]
id = "g"
title = "Goal \u001b]0;pwned\u0007 title"
indicators = ["i"]
[[indicator]]
id = "i"
title = "Indicator \u001b[31m red\nsecond line"
unit = "\u001b[8m"
rule = "reference"
"#;

/// Enough rows that the report is larger than a pipe's buffer.
fn data() -> String {
    let mut csv = String::from("indicator,entity,period,value\n");
    for year in 1000..3000 {
        csv.push_str(&format!("i,1,{year},5\ni,0000,{year},4\n"));
    }
    csv
}

fn plan_dir() -> TempDir {
    TempDir::new(&[
        ("plan.toml", PLAN),
        ("data/values.csv", &data()),
        (
            "tests/i.test.toml",
            "[[case]]\nname = \"\\u001b[2J case\"\nrule = \"reference\"\nvalue = 5\nnational = 4\nexpect = \"attained\"\n",
        ),
    ])
}

fn attain() -> Command {
    Command::new(env!("CARGO_BIN_EXE_attain"))
}

/// Runs with standard output (and, if asked, standard error) closed by the reader before the
/// binary writes anything, as `attain report … | head -0` does.
fn with_closed_pipe(args: &[&str], close_stderr: bool) -> Output {
    let mut child = attain().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the attain binary runs");
    drop(child.stdout.take());
    if close_stderr {
        drop(child.stderr.take());
    }
    child.wait_with_output().unwrap()
}

#[track_caller]
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "stdout:\n{}\nstderr:\n{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn a_closed_pipe_ends_every_command_quietly_with_exit_0() {
    let dir = plan_dir();
    let p = dir.path();
    let tests = format!("{p}/tests");
    let commands: Vec<Vec<&str>> = vec![
        vec!["report", p],
        vec!["report", p, "--format", "json"],
        vec!["report", p, "--format", "md"],
        vec!["report", p, "--format", "csv"],
        vec!["report", p, "--format", "html"],
        vec!["explain", p, "--indicator", "i"],
        vec!["explain", p, "--indicator", "i", "--json"],
        vec!["required", p, "--indicator", "i"],
        vec!["assess", p, "--indicator", "i", "--value", "5", "--national", "4"],
        vec!["test", &tests],
        vec!["test", &tests, "--format", "json"],
        vec!["check", p, "--cases", "5"],
    ];
    for args in commands {
        let out = with_closed_pipe(&args, false);
        assert_exit(&out, 0);
        assert_eq!(text(&out.stderr), "", "`attain {}` complains about a closed pipe", args.join(" "));
    }
}

#[test]
fn a_closed_stderr_too_is_no_panic() {
    // `--out` says on standard error what it wrote, and an unknown indicator is an error there;
    // standard error is closed as well.
    let dir = plan_dir();
    let out_file = format!("{}/report.html", dir.path());
    for args in [vec!["report", dir.path(), "--format", "html", "--out", &out_file], vec!["explain", dir.path(), "--indicator", "nope"]] {
        let out = with_closed_pipe(&args, true);
        let expected = if args[0] == "report" { 0 } else { 2 };
        assert_exit(&out, expected);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_standard_output_is_an_error_naming_it() {
    let dir = plan_dir();
    let out =
        attain().args(["report", dir.path(), "--format", "html"]).stdout(std::fs::File::create("/dev/full").unwrap()).output().unwrap();
    assert_exit(&out, 2);
    assert_eq!(text(&out.stderr), "error: io error: cannot write standard output: the disk is full\n");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_for_out_is_an_error_naming_the_file() {
    let dir = plan_dir();
    let out = attain().args(["report", dir.path(), "--format", "csv", "--out", "/dev/full"]).output().unwrap();
    assert_exit(&out, 2);
    assert_eq!(text(&out.stderr), "error: io error: cannot write `/dev/full`: the disk is full\n");
    assert!(out.stdout.is_empty());
}

#[test]
fn out_into_a_missing_folder_is_an_error_naming_the_file() {
    let dir = plan_dir();
    let target = Path::new(dir.path()).join("no/such/folder/report.html");
    let out = attain().args(["report", dir.path(), "--format", "html", "--out", target.to_str().unwrap()]).output().unwrap();
    assert_exit(&out, 2);
    assert_eq!(text(&out.stderr), format!("error: io error: cannot write `{}`: its folder does not exist\n", target.display()));
    assert!(!target.exists());
}

#[test]
fn plan_text_sends_no_escape_to_the_terminal() {
    let dir = plan_dir();
    let p = dir.path();
    let tests = format!("{p}/tests");
    for args in [
        vec!["report", p],
        vec!["report", p, "--format", "md"],
        vec!["report", p, "--format", "csv"],
        vec!["explain", p, "--indicator", "i"],
        vec!["assess", p, "--indicator", "i", "--value", "5", "--national", "4"],
        vec!["test", &tests],
    ] {
        let out = attain().args(&args).output().unwrap();
        assert_exit(&out, 0);
        let stdout = text(&out.stdout);
        assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{7}'), "`attain {}` writes an escape:\n{stdout:?}", args.join(" "));
        assert!(stdout.contains('\u{fffd}'), "`attain {}` shows where an escape was: {stdout:?}", args.join(" "));
        // CSV keeps a line break inside its quoted cell, as CSV does.
        if !args.contains(&"csv") {
            assert!(!stdout.lines().any(|l| l.starts_with("second line")), "a line break in a title breaks the line:\n{stdout}");
        }
    }
    // Errors quote user input: the escape in it is replaced there too.
    let out = attain().args(["explain", p, "--indicator", "\u{1b}[2J"]).output().unwrap();
    assert_exit(&out, 2);
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: query error: ") && stderr.contains("`\u{fffd}[2J`"), "{stderr:?}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}
