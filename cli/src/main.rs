//! `attain`: reports, rule tests and checks for goal plans. A thin shell over attain-core.

use attain_core::{
    AssessRequest, CheckRequest, Code, Error, Format, Gender, HistoryPoint, Observations, PeersRequest, Period, Plan, Query, TableOptions,
    TargetInput, WarningCode,
};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// The sandbox bounds the memory a rule holds by counting allocations here.
#[global_allocator]
static ALLOCATOR: attain_core::MeteredAllocator<mimalloc::MiMalloc> = attain_core::MeteredAllocator::new(mimalloc::MiMalloc);

/// Pretty JSON with a final newline.
macro_rules! json {
    ($v:expr) => {
        serde_json::to_string_pretty($v).unwrap_or_default() + "\n"
    };
}

/// Goal attainment from plans, data and Rhai target rules.
#[derive(Parser)]
#[command(name = "attain", version, about, long_about = None, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate a plan and print the report
    Report {
        #[command(flatten)]
        target: Target,
        /// Output format
        #[arg(long, value_enum, default_value_t = OutFormat::Table)]
        format: OutFormat,
        /// Write to this file instead of standard output
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        table: TableArgs,
        /// Exit 1 when a rule failed (its warning is printed on standard error), for CI
        #[arg(long)]
        strict: bool,
    },
    /// Run every *.test.toml rule test under PATH
    Test {
        /// A test file, a plan folder or any folder
        path: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t = TestFormat::Text)]
        format: TestFormat,
        /// Record which lines of each rule script the cases ran; print the lines never run
        #[arg(long)]
        coverage: bool,
        /// Write the coverage as LCOV to this file (implies --coverage)
        #[arg(long, value_name = "FILE")]
        coverage_out: Option<PathBuf>,
        /// Run the cases against mutants of each rule script; print each mutant no case killed
        #[arg(long)]
        mutants: bool,
        /// Exit 1 when the share of mutants killed is below this (0 to 1; implies --mutants)
        #[arg(long, value_name = "SCORE")]
        min_score: Option<f64>,
    },
    /// Validate a plan and run property checks on every indicator rule
    Check {
        /// Plan folder
        plan: PathBuf,
        /// Generated inputs per indicator (default 200)
        #[arg(long)]
        cases: Option<usize>,
        /// Seed of the input generator (default 2023)
        #[arg(long)]
        seed: Option<u64>,
        /// Print core's check report as JSON
        #[arg(long)]
        json: bool,
    },
    /// Show every input an indicator's rule saw, its status and reason, and the goals it feeds
    Explain {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        one: OneIndicator,
    },
    /// The nearest value that moves an indicator to the next better level
    Required {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        one: OneIndicator,
    },
    /// Judge an indicator on values given here instead of data: what if the value were 72?
    Assess(AssessArgs),
    /// Print the plan's structure as JSON: goals, indicators with their rules and targets, assignments
    Outline {
        /// Plan folder (holding plan.toml)
        plan: PathBuf,
    },
    /// Refresh the plan's key figures from Kolada's open API into its data/ (Källa: Kolada)
    ///
    /// Every key figure with `source = { kolada = … }`, for the plan's entity, riket, the peer
    /// groups (members and own rows) and, with --all, every municipality, written as Kolada JSON,
    /// one file per key figure. The rows received, written and read back are counted.
    Fetch(FetchArgs),
    /// Find and inspect Kolada key figures while writing a plan
    Kolada {
        #[command(subcommand)]
        command: KoladaCommand,
    },
}

#[derive(Args)]
struct FetchArgs {
    /// Plan folder (holding plan.toml)
    plan: PathBuf,
    /// Years: a range, a list or both (`2015-2023`, `2019,2021`); default: every year Kolada has
    #[arg(long)]
    years: Option<String>,
    /// Every municipality too (for percentile and quartile rules, which rank against all 290)
    #[arg(long)]
    all: bool,
    /// Folder to write the files to; default: the plan's data/
    #[arg(long)]
    out: Option<PathBuf>,
    /// Answer from the cache only, sending nothing; a URL the cache lacks is an error naming it
    #[arg(long)]
    offline: bool,
    #[command(flatten)]
    api: ApiArgs,
    /// Cache folder of Kolada's answers, by URL; default: the plan's .kolada-cache/
    #[arg(long)]
    cache: Option<PathBuf>,
}

/// Where Kolada is.
#[derive(Args)]
struct ApiArgs {
    /// Kolada's API (or a server of the same shape)
    #[arg(long, default_value = attain_kolada::DEFAULT_BASE_URL)]
    base_url: String,
}

#[derive(Subcommand)]
enum KoladaCommand {
    /// Key figures whose title holds TEXT: id, title, and whether split by women and men
    Search {
        /// Text in the title (`eftergymnasial`)
        text: String,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// One key figure: its title, description and whether it is split by women and men
    Kpi {
        /// Kolada id (`N01982`)
        id: String,
        #[command(flatten)]
        api: ApiArgs,
    },
}

#[derive(Args)]
struct AssessArgs {
    /// Plan folder (holding plan.toml)
    plan: PathBuf,
    /// Indicator id
    #[arg(long)]
    indicator: String,
    /// The value to judge (`85.5` or `85,5`)
    #[arg(long, allow_negative_numbers = true, required_unless_present = "inputs", value_parser = number)]
    value: Option<f64>,
    /// Period judged; default: the plan's period
    #[arg(long)]
    period: Option<String>,
    /// Target: a number, or as a plan writes one (`">= 30"`, `"minst 40"`, `"öka"`); default: the
    /// indicator's target for the period
    #[arg(long, allow_negative_numbers = true)]
    target: Option<String>,
    /// Earlier values, oldest first: `2021=60,2022=65` (the last is the previous value)
    #[arg(long)]
    history: Option<String>,
    /// The national value
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    national: Option<f64>,
    /// The peer group's mean
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    peers: Option<f64>,
    /// Position among all municipalities, 0 (worst) to 1 (best)
    #[arg(long, value_parser = number)]
    percentile: Option<f64>,
    /// The unweighted mean of the municipalities (`reference` with `against = "mean"`)
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    municipal_mean: Option<f64>,
    /// Every input at once, as JSON (core's AssessRequest: value, period, target, previous,
    /// history, national, peers, percentile, municipal_mean, women, men), instead of the flags above:
    /// `{"value": 60, "period": "2023", "history": [{"period": "2022", "value": 55}]}`;
    /// a list of them judges each in turn
    #[arg(long, conflicts_with_all = ["value", "period", "target", "history", "national", "peers", "percentile", "municipal_mean"])]
    inputs: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// How the terminal report (`--format table`) is laid out.
#[derive(Args)]
struct TableArgs {
    /// Show this goal only (table format)
    #[arg(long)]
    goal: Option<String>,
    /// List every assignment, not only those with a follow-up (table format)
    #[arg(long)]
    assignments: bool,
    /// Width in columns no line passes (table format; default 100)
    #[arg(long)]
    width: Option<usize>,
    /// Colour the statuses: auto (when standard output is a terminal), always or never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct Target {
    /// Plan folder (holding plan.toml)
    plan: PathBuf,
    /// Data files (CSV, `;` CSV with decimal commas, .xlsx or Kolada JSON); default: every
    /// file in the plan's data/ folder
    #[arg(long)]
    data: Vec<PathBuf>,
    /// CSV separator, `,` or `;`: of the --data CSV files (default: found from each header)
    /// and of the CSV written by `--format csv` (`;` writes decimal commas, as Excel in Sweden)
    #[arg(long)]
    delimiter: Option<char>,
    /// Entity (municipality code); default: the plan's entity
    #[arg(long)]
    entity: Option<String>,
    /// Period; default: the plan's period, else the latest with data
    #[arg(long)]
    period: Option<String>,
}

/// One indicator result: which indicator, which gender, and how to print it.
#[derive(Args)]
struct OneIndicator {
    /// Indicator id
    #[arg(long)]
    indicator: String,
    /// Gender: T, K or M (default: the total)
    #[arg(long)]
    gender: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutFormat {
    Table,
    Json,
    Md,
    Csv,
    Html,
    /// An Excel workbook (needs --out, or standard output that is not a terminal)
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
enum TestFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = wants_json(&cli.command);
    let mut out = Out::default();
    let result = run(cli.command, &mut out).and_then(|code| out.write_to_stdout().map(|()| code));
    match result {
        Ok(code) => code,
        Err(e) => {
            warn(format_args!("error: {e}"));
            if json {
                // The command's JSON output is core's serialised error, code included.
                let mut stdout = std::io::stdout().lock();
                let _ = writeln!(stdout, "{}", e.to_json()).and_then(|()| stdout.flush());
            }
            ExitCode::from(2)
        }
    }
}

/// Whether the command was asked for JSON (`--json`, `--format json`): its error is then
/// printed as JSON on standard output too.
fn wants_json(command: &Command) -> bool {
    match command {
        Command::Report { format, .. } => matches!(format, OutFormat::Json),
        Command::Test { format, .. } => matches!(format, TestFormat::Json),
        Command::Check { json, .. } => *json,
        Command::Explain { one, .. } | Command::Required { one, .. } => one.json,
        Command::Assess(a) => a.json,
        Command::Outline { .. } => true,
        Command::Fetch(_) | Command::Kolada { .. } => false,
    }
}

/// What a command prints, gathered and written to standard output once at the end, so that
/// every write error is handled in one place.
#[derive(Default)]
struct Out(Vec<u8>);

impl Out {
    /// A line of text for a terminal: plan text in it cannot move the cursor or clear the
    /// screen (control characters and bidirectional controls replaced, line breaks as spaces).
    fn line(&mut self, line: impl Display) {
        self.0.extend_from_slice(terminal_safe(&line.to_string(), false).as_bytes());
        self.0.push(b'\n');
    }
    /// Text that is already safe (a rendered report, JSON).
    fn raw(&mut self, text: &str) {
        self.0.extend_from_slice(text.as_bytes());
    }
    /// Bytes (a workbook) for standard output that is not a terminal.
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
    /// Writes everything. A reader that closed the pipe early (`attain report … | head -1`)
    /// wanted no more: that ends quietly, as coreutils and ripgrep do. Any other failure
    /// (a full disk) is an error naming standard output.
    fn write_to_stdout(&self) -> Result<(), Error> {
        let mut stdout = std::io::stdout().lock();
        match stdout.write_all(&self.0).and_then(|()| stdout.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(write_error("standard output", &e)),
            _ => Ok(()),
        }
    }
}

/// A message on standard error (its line breaks kept); a closed or full standard error is no
/// reason to panic.
/// Per script the lines no case ran (`file:line  text`), then the summary.
fn print_coverage(o: &mut Out, c: &attain_core::Coverage) {
    for s in &c.scripts {
        for m in &s.missed {
            o.line(format_args!("miss  {}:{}  {}", s.file, m.line, m.text));
        }
    }
    let percent = if c.lines == 0 { 100.0 } else { 100.0 * c.run as f64 / c.lines as f64 };
    o.line(format_args!("coverage: {} rules, {} of {} lines run ({percent:.1} %)", c.scripts.len(), c.run, c.lines));
}

/// Each mutant no case killed (`file:line:col  original -> mutated`), then the score.
fn print_mutants(o: &mut Out, m: &attain_core::Mutants) {
    for x in m.mutants.iter().filter(|x| x.status == attain_core::MutantStatus::Survived) {
        let mutated = if x.mutated.is_empty() { "(removed)" } else { x.mutated.as_str() };
        o.line(format_args!("survived  {}:{}:{}  {} -> {}", x.file, x.line, x.column, x.original, mutated));
    }
    o.line(format_args!(
        "mutants: {} killed of {} (score {:.3}); {} unviable, {} equivalent",
        m.killed,
        m.killed + m.survived,
        m.score,
        m.unviable,
        m.equivalent
    ));
}

fn warn(line: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{}", terminal_safe(&line.to_string(), true));
}

/// Control characters (ANSI escapes included) and bidirectional controls replaced, tabs and
/// (unless kept) line breaks as spaces.
fn terminal_safe(s: &str, keep_newlines: bool) -> String {
    s.chars()
        .map(|c| match c {
            '\n' if keep_newlines => c,
            '\t' | '\n' | '\r' => ' ',
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `cannot write `PATH`: the disk is full`: what failed, in words, and where.
fn write_error(place: &str, e: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let why = match e.kind() {
        K::StorageFull => "the disk is full".to_string(),
        K::PermissionDenied => "permission denied".to_string(),
        K::NotFound => "its folder does not exist".to_string(),
        K::IsADirectory => "it is a folder".to_string(),
        K::BrokenPipe => "the reader closed the pipe".to_string(),
        _ => {
            let text = e.to_string();
            let mut chars = text.chars();
            chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or(text)
        }
    };
    Error::new(Code::IoWrite, format!("cannot write {place}: {why}"))
}

/// A number as core reads one (`85.5`, `85,5`; no thousands separator). `NaN` and the
/// infinities pass on to core, which refuses them naming the input, as for every host.
fn number(text: &str) -> Result<f64, String> {
    match attain_core::parse_number(text, attain_core::DecimalMark::Either) {
        Err(e) if e.code() == Code::DataNotFinite => text.trim().parse::<f64>().map_err(|_| e.message().to_string()),
        other => other.map_err(|e| e.message().to_string()),
    }
}

fn load(target: &Target) -> Result<(Plan, Observations, Query), Error> {
    let plan = attain_excel::load_plan(&target.plan)?;
    let data = if target.data.is_empty() {
        (*plan.data()?).clone()
    } else {
        // One rule for duplicates, as in a plan's data folder: a row in two files names both.
        let files = target.data.iter().map(|p| attain_excel::load_with(p, target.delimiter));
        Observations::combine(files.collect::<Result<Vec<_>, _>>()?)?
    };
    for ignored in data.ignored_columns() {
        warn(ignored);
    }
    let mut query = Query::default();
    query.entity = target.entity.clone();
    query.period = target.period.clone();
    Ok((plan, data, query))
}

/// The table's flags as core's options; colour by default only on a terminal.
fn table_options(args: &TableArgs, to_stdout: bool) -> TableOptions {
    let mut options = TableOptions::default();
    options.color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_stdout && std::io::stdout().is_terminal(),
    };
    options.width = args.width.unwrap_or(options.width);
    options.goal = args.goal.clone();
    options.all_assignments = args.assignments;
    options
}

fn write_file(path: &Path, text: &[u8]) -> Result<(), Error> {
    let place = format!("`{}`", path.display());
    let mut file = std::fs::File::create(path).map_err(|e| write_error(&place, &e))?;
    file.write_all(text).map_err(|e| write_error(&place, &e))?;
    // A regular file is synced so that a late failure (a full disk, a quota) is reported here
    // rather than lost when the file is closed; a pipe or a device cannot be synced.
    if file.metadata().is_ok_and(|m| m.is_file()) {
        file.sync_all().map_err(|e| write_error(&place, &e))?;
    }
    Ok(())
}

fn bad_argument(message: String) -> Error {
    Error::new(Code::QueryInvalidArgument, message)
}

/// `2021=60,2022=65` as history (core checks the order, the periods and the values).
fn history(text: &str) -> Result<Vec<HistoryPoint>, Error> {
    let mut out = Vec::new();
    // `;` between items where the values have decimal commas: `2021=60,5;2022=65`.
    let separator = if text.contains(';') { ';' } else { ',' };
    for (i, item) in text.split(separator).map(str::trim).enumerate() {
        let bad = |why: &str| bad_argument(format!("--history item {} (`{item}`): {why}; write PERIOD=VALUE, e.g. 2022=65", i + 1));
        let (period, value) = item.split_once('=').ok_or_else(|| bad("no `=`"))?;
        let value = number(value).map_err(|why| bad(&format!("the value is not a number ({why})")))?;
        out.push(HistoryPoint { period: Period::parse(period.trim())?, value });
    }
    Ok(out)
}

fn assess(a: &AssessArgs, o: &mut Out) -> Result<ExitCode, Error> {
    let plan = Plan::load(&a.plan)?;
    if let Some(text) = &a.inputs {
        if !text.trim_start().starts_with('[') {
            let request: AssessRequest = attain_core::decode_json("inputs", text)?;
            return print_assessment(&plan, &a.indicator, &request, a.json, o);
        }
        let rows: Vec<AssessRequest> = attain_core::decode_json("inputs", text)?;
        let results = plan.assess_many(&a.indicator, &rows)?;
        if a.json {
            o.raw(&json!(&results));
        } else {
            for r in &results {
                o.line(format_args!("{} ({}): {}", r.label, r.status, r.reason));
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut request = AssessRequest::default();
    request.value = a.value;
    request.period = a.period.as_deref().map(Period::parse).transpose()?;
    // A number stays a number; any other text is core's to read as a written target.
    request.target = a.target.as_deref().map(|t| number(t).map_or_else(|_| TargetInput::Text(t.to_string()), TargetInput::Number));
    request.history = a.history.as_deref().map(history).transpose()?.unwrap_or_default();
    request.national = a.national;
    request.peers = a.peers.map(|mean| {
        let mut peers = PeersRequest::default();
        peers.mean = Some(mean);
        peers
    });
    request.percentile = a.percentile;
    request.municipal_mean = a.municipal_mean;
    print_assessment(&plan, &a.indicator, &request, a.json, o)
}

fn print_assessment(plan: &Plan, indicator: &str, request: &AssessRequest, json: bool, o: &mut Out) -> Result<ExitCode, Error> {
    let result = plan.assess(indicator, request)?;
    if json {
        o.raw(&json!(&result));
    } else {
        o.line(format_args!("{} ({}): {}", result.label, result.status, result.reason));
    }
    Ok(ExitCode::SUCCESS)
}

/// `attain fetch`: one call to attain-kolada, its counts printed.
fn fetch(a: &FetchArgs, o: &mut Out) -> Result<ExitCode, Error> {
    let http = attain_kolada::Settings { cache: a.cache.clone(), offline: a.offline, ..Default::default() };
    let options = attain_kolada::FetchOptions {
        years: a.years.clone(),
        all: a.all,
        out: a.out.clone(),
        base_url: a.api.base_url.clone(),
        http,
        progress: true,
    };
    let f = attain_kolada::fetch(&a.plan, &options)?;
    for id in &f.not_in_kolada {
        warn(format_args!("warning: Kolada has no key figure `{id}` (HTTP 404): its indicators stay without data"));
    }
    o.line(format_args!(
        "{} rows received, {} written in {} files, {} already in the plan's own data files; {} data calls, {} requests",
        f.received,
        f.written,
        f.files.len(),
        f.held,
        f.calls,
        f.requests
    ));
    for file in &f.files {
        o.line(format_args!("wrote {}", file.display()));
    }
    o.line("Källa: Kolada");
    Ok(ExitCode::SUCCESS)
}

/// `attain kolada search|kpi`.
fn kolada(command: &KoladaCommand, o: &mut Out) -> Result<ExitCode, Error> {
    let client = |api: &ApiArgs| attain_kolada::Kolada::new(&api.base_url, attain_kolada::Settings::default());
    let gender = |k: &attain_kolada::Kpi| if k.divided_by_gender { "  (women and men)" } else { "" };
    match command {
        KoladaCommand::Search { text, api } => {
            let found = client(api).search_kpis(text)?;
            for k in &found {
                o.line(format_args!("{}  {}{}", k.id, k.title, gender(k)));
            }
            o.line(format_args!("{} key figures", found.len()));
        }
        KoladaCommand::Kpi { id, api } => {
            let k = client(api).kpi(id)?;
            o.line(format_args!("{}  {}{}", k.id, k.title, gender(&k)));
            if !k.description.is_empty() {
                o.line(format_args!("  {}", k.description));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run(command: Command, o: &mut Out) -> Result<ExitCode, Error> {
    match command {
        Command::Report { target, format, out, table, strict } => {
            if matches!(format, OutFormat::Xlsx) && out.is_none() && std::io::stdout().is_terminal() {
                return Err(bad_argument("a workbook is not for a terminal: give --out report.xlsx (or redirect standard output)".into()));
            }
            if target.delimiter.is_some_and(|d| d != ',' && d != ';') {
                return Err(bad_argument(format!("--delimiter `{}` is not `,` or `;`", target.delimiter.unwrap_or(','))));
            }
            let (plan, data, query) = load(&target)?;
            let report = plan.evaluate(&data, &query)?;
            // The table on a terminal shows the warnings itself; any other output (JSON, HTML, a
            // workbook, a file) has them on standard error, wrapped to the table's width.
            if !(matches!(format, OutFormat::Table) && out.is_none()) {
                let width = table.width.unwrap_or(100);
                for line in attain_core::render_warnings(&report, width).lines() {
                    warn(line);
                }
            }
            let rule_failed = report.warnings.iter().any(|w| matches!(w.code, WarningCode::RuleError | WarningCode::RuleGoalError));
            let code = if strict && rule_failed { ExitCode::from(1) } else { ExitCode::SUCCESS };
            if !matches!(format, OutFormat::Table) && (table.goal.is_some() || table.assignments || table.width.is_some()) {
                return Err(bad_argument("--goal, --assignments and --width shape the table: use them with --format table".into()));
            }
            let text = match format {
                OutFormat::Table => attain_core::render_table(&report, &table_options(&table, out.is_none()))?,
                OutFormat::Xlsx => {
                    let bytes = attain_excel::report_xlsx(&report)?;
                    match out {
                        Some(path) => {
                            write_file(&path, &bytes)?;
                            warn(format_args!("wrote {}", path.display()));
                        }
                        None => o.bytes(&bytes),
                    }
                    return Ok(code);
                }
                OutFormat::Json => attain_core::render(&report, Format::Json),
                OutFormat::Md => attain_core::render(&report, Format::Markdown),
                OutFormat::Csv if target.delimiter == Some(';') => attain_core::render(&report, Format::CsvSemicolon),
                OutFormat::Csv => attain_core::render(&report, Format::Csv),
                OutFormat::Html => attain_core::render(&report, Format::Html),
            };
            match out {
                Some(path) => {
                    write_file(&path, text.as_bytes())?;
                    warn(format_args!("wrote {}", path.display()));
                }
                None => o.raw(&text),
            }
            Ok(code)
        }
        Command::Test { path, format, coverage, coverage_out, mutants, min_score } => {
            let mutants = mutants || min_score.is_some();
            let options = attain_core::TestOptions { coverage: coverage || coverage_out.is_some(), mutants };
            let report = attain_core::run_rule_tests_with(&path, &options)?;
            let weak = match (&report.mutants, min_score) {
                (Some(m), Some(min)) => !m.meets(min)?,
                _ => false,
            };
            if let (Some(out), Some(c)) = (&coverage_out, &report.coverage) {
                write_file(out, c.to_lcov().as_bytes())?;
                warn(format_args!("wrote {}", out.display()));
            }
            match format {
                TestFormat::Json => o.raw(&json!(&report)),
                TestFormat::Text => {
                    for c in &report.cases {
                        if c.passed {
                            o.line(format_args!("ok    {} ({}:{})", c.name, c.file, c.line));
                        } else {
                            o.line(format_args!("FAIL  {} ({}:{})", c.name, c.file, c.line));
                            o.line(format_args!("      expected: {}", c.expected.as_deref().unwrap_or("")));
                            o.line(format_args!("      got:      {}", c.got.as_deref().unwrap_or("")));
                            if let Some(r) = &c.reason {
                                o.line(format_args!("      reason:   {r}"));
                            }
                        }
                    }
                    for (rule, levels) in &report.unreached {
                        o.line(format_args!("note  `{rule}`: never returned {}", levels.join(", ")));
                    }
                    if let Some(c) = &report.coverage {
                        print_coverage(o, c);
                    }
                    if let Some(m) = &report.mutants {
                        print_mutants(o, m);
                    }
                    o.line(format_args!("{} passed, {} failed", report.passed, report.failed));
                }
            }
            Ok(if report.failed == 0 && !weak { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Check { plan, cases, seed, json } => {
            let plan = attain_excel::load_plan(&plan)?;
            // Rows of the plan's own data for ids the plan does not know fail the check.
            let unknown = plan.unknown_indicators(&plan.bundled_data()?);
            let mut request = CheckRequest::default();
            request.cases = cases.unwrap_or(request.cases);
            request.seed = seed.unwrap_or(request.seed);
            let report = attain_core::check(&plan, &request.options())?;
            let code = if report.failures.is_empty() && unknown.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) };
            if json {
                o.raw(&json!(&report));
                return Ok(code);
            }
            for w in &unknown {
                o.line(format_args!("FAIL  data/: {} [{}]", w.message, w.code.as_str()));
            }
            for f in &report.failures {
                o.line(format_args!("FAIL  `{}` (rule `{}`) {}: {}", f.indicator, f.rule, f.property, f.message));
            }
            for n in &report.not_checked {
                o.line(format_args!("skip  `{}` {}: {}", n.indicator, n.property, n.reason));
            }
            o.line(format_args!(
                "plan `{}` is valid; {} indicators, {} rule evaluations, {} failures (seed {})",
                plan.id(),
                report.indicators,
                report.evaluations,
                report.failures.len() + unknown.len(),
                request.seed
            ));
            Ok(code)
        }
        Command::Explain { target, one: OneIndicator { indicator, gender: g, json } } => {
            let (plan, data, query) = load(&target)?;
            let ex = plan.explain(&data, &query, &indicator, g.as_deref().map(str::parse::<Gender>).transpose()?.unwrap_or_default())?;
            if json {
                o.raw(&json!(&ex));
                return Ok(ExitCode::SUCCESS);
            }
            let r = &ex.result;
            let f = |x: Option<f64>| x.map_or("–".to_string(), |v| v.to_string());
            o.line(format_args!("{} ({}), {}", r.title, r.id, r.gender));
            o.line(format_args!("  rule        {}  params {}", r.rule, ex.params));
            o.line(format_args!("  period      {}", r.period.as_deref().unwrap_or("–")));
            o.line(format_args!("  value       {}", f(r.value)));
            o.line(format_args!("  target      {}", f(r.target)));
            o.line(format_args!("  previous    {}", f(r.previous)));
            let hist: Vec<String> = r.history.iter().map(|h| format!("{}: {}", h.period, h.value)).collect();
            o.line(format_args!("  history     {}", if hist.is_empty() { "–".into() } else { hist.join(", ") }));
            o.line(format_args!("  national    {}", f(r.national)));
            o.line(format_args!(
                "  peers       {}",
                r.peers.as_ref().map_or("–".to_string(), |p| format!("mean {} (n = {})", f(p.mean), p.count))
            ));
            o.line(format_args!("  percentile  {}", f(r.percentile)));
            o.line(format_args!("  mean        {} (the unweighted mean of the municipalities)", f(r.municipal_mean)));
            o.line(format_args!("  women, men  {}, {}", f(r.women), f(r.men)));
            o.line(format_args!("  direction   {:?}", r.direction));
            o.line(format_args!("  status      {} ({})", r.status, r.label));
            o.line(format_args!("  reason      {}", r.reason));
            for g in &ex.goals {
                o.line(format_args!("  feeds goal {}: {} ({}) — {}", g.id, g.label, g.status, g.reason));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Assess(args) => assess(&args, o),
        Command::Fetch(args) => fetch(&args, o),
        Command::Kolada { command } => kolada(&command, o),
        Command::Outline { plan } => {
            o.raw(&json!(&Plan::load(&plan)?.outline()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Required { target, one: OneIndicator { indicator, gender: g, json } } => {
            let (plan, data, query) = load(&target)?;
            let r = plan.required(&data, &query, &indicator, g.as_deref().map(str::parse::<Gender>).transpose()?.unwrap_or_default())?;
            if json {
                o.raw(&json!(&r));
            } else {
                o.line(format_args!("{}", r.message));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
