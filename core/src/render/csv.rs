//! The CSV renderer: one row per indicator result, `,` with decimal points or `;` with decimal commas (Excel in Sweden).

use super::escape;
use crate::report::{Report, Role};

/// The columns, in order. New columns go at the end, so that a reader of an older report's
/// columns by position keeps working.
pub(crate) const COLUMNS: [&str; 23] = [
    "entity",
    "period",
    "goals",
    "indicator",
    "title",
    "gender",
    "role",
    "rule",
    "status",
    "period_used",
    "value",
    "target",
    "national",
    "peers_mean",
    "percentile",
    "previous",
    "women",
    "men",
    "reason",
    "measures",
    "target_op",
    "municipal_mean",
    "compared_with",
];

/// The columns of [`indicator_table`] that hold numbers ([`ReportCell::Number`], or empty text
/// for none); every other column holds text. A typed table (Arrow) types them so.
pub const INDICATOR_NUMBER_COLUMNS: [&str; 9] =
    ["value", "target", "national", "peers_mean", "percentile", "previous", "women", "men", "municipal_mean"];

/// One cell of the report's table of indicator results: a number (a spreadsheet's numeric
/// cell) or text.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportCell {
    /// A number, exact.
    Number(f64),
    /// Text; empty for nothing (a missing number, no target).
    Text(String),
}

/// The report's indicator results as a table: the column names (the CSV's header) and one row
/// per indicator result, numbers as numbers. The CSV renderer writes it; a spreadsheet writer
/// (attain-excel) writes the same columns.
///
/// ```
/// # let files = attain_core::PlanFiles::from([("plan.toml".to_string(), "[plan]\nid='x'\ntitle='X'\nentity='1'\n[[goal]]\nid='g'\ntitle='G'\nindicators=['i']\n[[indicator]]\nid='i'\ntitle='I'\nrule='reference'\n".to_string())]);
/// # let plan = attain_core::Plan::from_files(files)?;
/// # let data = attain_core::Observations::from_csv("indicator,entity,period,value\ni,1,2020,5\ni,0000,2020,4\n", "d.csv")?;
/// let report = plan.evaluate(&data, &attain_core::Query::default())?;
/// let (columns, rows) = attain_core::indicator_table(&report);
/// let value = columns.iter().position(|c| *c == "value").unwrap_or(0);
/// assert_eq!(rows[0][value], attain_core::ReportCell::Number(5.0));
/// # Ok::<(), attain_core::Error>(())
/// ```
pub fn indicator_table(report: &Report) -> (&'static [&'static str], Vec<Vec<ReportCell>>) {
    let text = |s: &str| ReportCell::Text(s.to_string());
    let f = |x: Option<f64>| x.map_or_else(|| ReportCell::Text(String::new()), ReportCell::Number);
    let rows = report
        .indicators
        .iter()
        .map(|r| {
            vec![
                text(&report.entity),
                text(&report.period),
                text(&r.goals.join(";")),
                text(&r.id),
                text(&r.title),
                text(r.gender.code()),
                text(if r.role == Role::Indicator { "indicator" } else { "key_figure" }),
                text(&r.rule),
                text(&r.status),
                text(r.period.as_deref().unwrap_or("")),
                f(r.value),
                f(r.target),
                f(r.national),
                f(r.peers.as_ref().and_then(|p| p.mean)),
                f(r.percentile),
                f(r.previous),
                f(r.women),
                f(r.men),
                text(&r.reason),
                // `name=value;…`, each value exact, in name order.
                text(&r.measures.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";")),
                text(r.target_op.as_deref().unwrap_or("")),
                f(r.municipal_mean),
                text(&r.compared_with.join(";")),
            ]
        })
        .collect();
    (&COLUMNS, rows)
}

/// The report as CSV with `delimiter` (`,` or `;`). With `;` numbers have a decimal comma, as
/// Excel reads and writes CSV where the decimal mark is a comma (Sweden); with `,` a point.
/// Numbers as Rust writes them (exact, never an exponent); every text cell neutralised.
pub(crate) fn csv(report: &Report, delimiter: u8) -> String {
    let mut w = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    let comma = delimiter == b';';
    let (_, rows) = indicator_table(report);
    for row in rows {
        let cells = row.iter().enumerate().map(|(i, cell)| match cell {
            ReportCell::Number(v) => {
                let point = escape::csv_cell(&v.to_string()).into_owned();
                if comma { point.replace('.', ",") } else { point }
            }
            // The measures hold numbers too: `score=2.5` is `score=2,5` with decimal commas.
            ReportCell::Text(t) if comma && COLUMNS[i] == "measures" => escape::csv_cell(&decimal_commas(t)).into_owned(),
            ReportCell::Text(t) => escape::csv_cell(t).into_owned(),
        });
        let _ = w.write_record(cells.collect::<Vec<_>>());
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// `a=1.5;b=2` as `a=1,5;b=2`: each value after its `=`.
fn decimal_commas(measures: &str) -> String {
    let items: Vec<String> = measures
        .split(';')
        .map(|item| match item.split_once('=') {
            Some((k, v)) => format!("{k}={}", v.replace('.', ",")),
            None => item.to_string(),
        })
        .collect();
    items.join(";")
}

#[cfg(test)]
mod tests {
    use crate::{Observations, PlanFiles, Query};

    #[test]
    fn the_number_columns_are_the_ones_that_hold_numbers() {
        let (columns, rows) = super::indicator_table(&report());
        for row in rows {
            for (name, cell) in columns.iter().zip(row) {
                let number = super::INDICATOR_NUMBER_COLUMNS.contains(name);
                match cell {
                    super::ReportCell::Number(_) => assert!(number, "`{name}` holds a number"),
                    super::ReportCell::Text(t) => assert!(!number || t.is_empty(), "`{name}` holds text {t:?}"),
                }
            }
        }
    }

    fn report() -> crate::Report {
        let plan = "[plan]\nid='x'\ntitle='X'\nentity='1'\n[comparison]\nnational='0000'\n[[goal]]\nid='g'\ntitle='G'\nindicators=['i']\n\
                    [[indicator]]\nid='i'\ntitle='I; the one'\nrule='reference'\n";
        let plan =
            crate::Plan::from_files(PlanFiles::from([("plan.toml".to_string(), plan.to_string())])).unwrap_or_else(|e| panic!("{e}"));
        let data = Observations::from_csv("indicator,entity,period,value\ni,1,2020,85.5\ni,0000,2020,-1.25\n", "d.csv")
            .unwrap_or_else(|e| panic!("{e}"));
        plan.evaluate(&data, &Query::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn semicolon_csv_has_decimal_commas_and_reads_back_as_the_comma_csv() {
        let r = report();
        let (plain, excel) = (super::csv(&r, b','), super::csv(&r, b';'));
        let read = |text: &str, d: u8| {
            let mut reader = csv::ReaderBuilder::new().delimiter(d).from_reader(text.as_bytes());
            let head: Vec<String> = reader.headers().map(|h| h.iter().map(str::to_string).collect()).unwrap_or_default();
            let rows: Vec<Vec<String>> =
                reader.records().map(|r| r.map(|r| r.iter().map(str::to_string).collect()).unwrap_or_default()).collect();
            (head, rows)
        };
        let (head, rows) = read(&plain, b',');
        let (head_sv, rows_sv) = read(&excel, b';');
        assert_eq!(head, super::COLUMNS);
        assert_eq!(head, head_sv);
        let at = |name: &str| head.iter().position(|h| h == name).unwrap_or(usize::MAX);
        assert_eq!(rows[0][at("value")], "85.5");
        assert_eq!(rows_sv[0][at("value")], "85,5");
        assert_eq!(rows_sv[0][at("national")], "-1,25");
        assert_eq!(rows_sv[0][at("title")], "I; the one");
        assert_eq!(rows[0][at("compared_with")], "national");
        assert_eq!(rows[0][at("target_op")], "");
        // Every cell the same but for the decimal mark of numbers.
        for (a, b) in rows[0].iter().zip(&rows_sv[0]) {
            assert!(a == b || a.replace('.', ",") == *b, "{a} / {b}");
        }
        assert!(excel.lines().next().is_some_and(|l| l.starts_with("entity;period;goals;")));
    }
}
