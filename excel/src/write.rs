//! Writing a report as a workbook: a sheet of goals and one of indicator results, statuses in the scale's colours, numbers as numbers.

use attain_core::{Code, Error, Language, Report, ReportCell, Result, indicator_table};
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use std::collections::HashMap;

/// Widest column, in characters; longer text wraps in the cell.
const MAX_WIDTH: usize = 60;

/// The report as the bytes of an .xlsx workbook: a sheet of goals (id, title, status, label,
/// basis, reason) and a sheet of indicator results with the CSV's columns; every status cell
/// filled with its level's colour, numbers as numeric cells, the header row bold and frozen,
/// each column as wide as its text (at most 60 characters). Sheet names are in the plan's
/// language (`Mål`, `Nyckeltal` or `Goals`, `Indicators`).
///
/// # Errors
/// `io.write` when the workbook cannot be made (a text over Excel's 32 767 characters).
pub fn report_xlsx(report: &Report) -> Result<Vec<u8>> {
    build(report).map_err(|e| Error::new(Code::IoWrite, format!("cannot write the workbook: {e}")))
}

fn build(report: &Report) -> std::result::Result<Vec<u8>, XlsxError> {
    let sv = report.plan.language == Language::Sv;
    let mut book = Workbook::new();
    let mut fills = Fills::default();
    let goals = book.add_worksheet();
    goals.set_name(if sv { "Mål" } else { "Goals" })?;
    let head = ["id", "title", "status", "label", "basis", "reason"];
    let rows: Vec<Vec<(ReportCell, Option<&str>)>> = report
        .goals
        .iter()
        .map(|g| {
            let basis = if g.basis.of > 0 { g.basis.text(report.plan.language) } else { String::new() };
            [g.id.clone(), g.title.clone(), g.status.clone(), g.label.clone(), basis, g.reason.clone()]
                .into_iter()
                .enumerate()
                .map(|(i, t)| (ReportCell::Text(t), (i == 2 || i == 3).then_some(g.color.as_str())))
                .collect()
        })
        .collect();
    sheet(goals, &head, &rows, &mut fills)?;

    let indicators = book.add_worksheet();
    indicators.set_name(if sv { "Nyckeltal" } else { "Indicators" })?;
    let (columns, table) = indicator_table(report);
    let status = columns.iter().position(|c| *c == "status");
    let rows: Vec<Vec<(ReportCell, Option<&str>)>> = table
        .into_iter()
        .zip(&report.indicators)
        .map(|(row, r)| row.into_iter().enumerate().map(|(i, cell)| (cell, (Some(i) == status).then_some(r.color.as_str()))).collect())
        .collect();
    sheet(indicators, columns, &rows, &mut fills)?;
    book.save_to_buffer()
}

/// One sheet: a bold frozen header, then the rows; a cell with a colour is filled with it.
fn sheet(
    ws: &mut Worksheet,
    head: &[&str],
    rows: &[Vec<(ReportCell, Option<&str>)>],
    fills: &mut Fills,
) -> std::result::Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count() + 2).collect();
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, col(c), *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let at = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, (cell, color)) in row.iter().enumerate() {
            let format = color.and_then(|hex| fills.get(hex));
            let shown = match cell {
                ReportCell::Number(x) => {
                    match format {
                        Some(f) => ws.write_number_with_format(at, col(c), *x, f)?,
                        None => ws.write_number(at, col(c), *x)?,
                    };
                    x.to_string().len()
                }
                ReportCell::Text(t) if t.is_empty() => 0,
                ReportCell::Text(t) => {
                    match format {
                        Some(f) => ws.write_string_with_format(at, col(c), t, f)?,
                        None => ws.write_string(at, col(c), t)?,
                    };
                    t.chars().count()
                }
            };
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(shown + 2);
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col(c), (*w).min(MAX_WIDTH) as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    ws.autofilter(0, 0, last_row, col(head.len().saturating_sub(1)))?;
    Ok(())
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// One fill format per colour of the scale (`#2e7d32`), with white or black text, whichever
/// reads better on it; a colour that is not `#rrggbb` gets no fill.
#[derive(Default)]
struct Fills(HashMap<String, Option<Format>>);

impl Fills {
    fn get(&mut self, hex: &str) -> Option<&Format> {
        self.0
            .entry(hex.to_string())
            .or_insert_with(|| {
                let rgb = hex.strip_prefix('#').filter(|h| h.len() == 6).and_then(|h| u32::from_str_radix(h, 16).ok())?;
                let (r, g, b) = (rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff);
                // Relative luminance, roughly (ITU-R BT.601 weights): dark fills get white text.
                let light = 299 * r + 587 * g + 114 * b > 150_000;
                let text = if light { Color::Black } else { Color::White };
                Some(Format::new().set_background_color(Color::RGB(rgb)).set_font_color(text))
            })
            .as_ref()
    }
}
