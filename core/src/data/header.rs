//! A header of observation columns, the one for CSV and sheets: the vocabulary in any case, Swedish names, tidy or wide (a column per period).

use crate::error::{Code, Error, Result};
use crate::locale::DecimalMark;
use crate::model::Gender;
use crate::period::Period;
use serde::Serialize;

use super::row::{count_error, expected_fields, gender_error, observation_field, parse_value, trim};
use super::store::RowParts;

/// A column of a sheet or CSV that was read and not kept, and why: a `Kommun` of names beside
/// a `Kommun-id` column. Listed with the observations (`Observations::ignored_columns`), not an
/// error, since the id column says all the names would.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoredColumn {
    /// The file it is in.
    pub file: Option<String>,
    /// Its column, 1-based.
    pub column: usize,
    /// Its header, as written.
    pub name: String,
    /// Why it is not read.
    pub reason: String,
}

impl std::fmt::Display for IgnoredColumn {
    /// `k.csv: column 1 `Kommun` is not read: the entity is read from column 2 (`Kommun-id`)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        write!(f, "column {} `{}` is not read: {}", self.column, self.name, self.reason)
    }
}

/// A column whose cells are names or ids depending on the sheet: Kolada's web export and
/// analysts' sheets have `Kommun` (`Östersund`, or `2380`) and `Nyckeltal` (a title, or an id).
/// Beside the field's id column it is ignored; alone it is the field and its every cell must be
/// an id. No table of names to ids is kept: names are spelt in more than one way, and an id
/// guessed from a name would invent data.
struct Named {
    header: &'static str,
    field: &'static str,
    is_id: fn(&str) -> bool,
    needs: &'static str,
}

fn municipality_id(cell: &str) -> bool {
    cell.bytes().all(|b| b.is_ascii_digit())
}

fn indicator_id(cell: &str) -> bool {
    cell.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
}

const NAMED: [Named; 2] = [
    Named {
        header: "kommun",
        field: "entity",
        is_id: municipality_id,
        needs: "the municipality's id (Kolada's `Kommun-id`, 2380 for Östersund)",
    },
    Named { header: "nyckeltal", field: "indicator", is_id: indicator_id, needs: "the indicator's id (Kolada's `Nyckeltals-id`, N00209)" },
];

/// What a header's column is.
enum Kind {
    Field(&'static str),
    Named(&'static Named),
    Period(String),
}

impl Kind {
    fn of(header: &str) -> Option<Kind> {
        if let Some(f) = observation_field(header) {
            return Some(Kind::Field(f));
        }
        let lower = header.to_lowercase();
        if let Some(n) = NAMED.iter().find(|n| n.header == lower) {
            return Some(Kind::Named(n));
        }
        let period = Period::parse(header).or_else(|_| Period::parse(&header.to_uppercase())).ok()?;
        Some(Kind::Period(period.as_str().to_string()))
    }

    /// The name two columns share when they are the same column.
    fn key(&self) -> &str {
        match self {
            Kind::Field(f) => f,
            Kind::Named(n) => n.header,
            Kind::Period(p) => p,
        }
    }
}

/// How values stand in a header's rows.
enum Layout {
    /// One value per row: its period and value columns (and the reason and count, if given).
    Tidy { period: usize, value: usize, missing: Option<usize>, count: Option<usize> },
    /// A value per cell: each period column and its period.
    Wide(Vec<(usize, String)>),
}

/// Where each field of an observation row is in a header (CSV's or a sheet's).
pub(super) struct Columns {
    /// How value cells mark decimals.
    mark: DecimalMark,
    indicator: usize,
    entity: usize,
    gender: Option<usize>,
    source: Option<usize>,
    layout: Layout,
    /// A named column standing in for its field: every cell must be an id.
    checked: Vec<(usize, String, &'static Named)>,
    /// Columns read and not kept.
    pub(super) ignored: Vec<IgnoredColumn>,
}

fn unknown_column(header: &str) -> Error {
    let message = if header.starts_with(|c: char| c.is_ascii_digit()) {
        format!(
            "column `{header}` is neither a period (`2023`, `2023-T2`, `2023-Q1`, `2023-05`) nor a field (expected {})",
            expected_fields()
        )
    } else {
        format!("unknown column `{header}` (expected {}, or periods such as `2023` for a column per period)", expected_fields())
    };
    Error::new(Code::DataUnknownColumn, message)
}

/// A column named twice (or by two names for the same thing, `indicator` and `kpi`, or the
/// same period twice) would lose one of them in silence: an error at the second. `keys` are
/// what each column of `header` stands for.
pub(super) fn check_repeated_columns(header: &[String], keys: &[&str], file: &str) -> Result<()> {
    for (c, key) in keys.iter().enumerate() {
        if let Some(first) = keys[..c].iter().position(|k| k == key) {
            let same = if header[first] == header[c] { String::new() } else { format!(" (`{}`)", header[first]) };
            let message = format!("column `{}` repeats column {}{same}; give each column once", header[c], first + 1);
            return Err(Error::new(Code::DataDuplicateColumn, message).in_file(file).at(1, c + 1));
        }
    }
    Ok(())
}

impl Columns {
    /// The columns of a header (each cell trimmed, as written): each a name of the vocabulary in
    /// any case, `Kommun`, `Nyckeltal` or a period; none repeated; tidy (`period` and `value`
    /// columns) or wide (period columns), not both; an indicator and an entity column.
    pub(super) fn from_header(header: &[String], file: &str, mark: DecimalMark) -> Result<Columns> {
        let at = |e: Error, c: usize| e.in_file(file).at(1, c + 1);
        let mut kinds = Vec::with_capacity(header.len());
        for (c, h) in header.iter().enumerate() {
            kinds.push(Kind::of(h).ok_or_else(|| at(unknown_column(h), c))?);
        }
        let keys: Vec<&str> = kinds.iter().map(Kind::key).collect();
        check_repeated_columns(header, &keys, file)?;
        let find = |f: &str| kinds.iter().position(|k| matches!(k, Kind::Field(n) if *n == f));
        let periods: Vec<(usize, String)> =
            kinds.iter().enumerate().filter_map(|(c, k)| if let Kind::Period(p) = k { Some((c, p.clone())) } else { None }).collect();
        if let Some(&(pc, _)) = periods.first() {
            if let Some(c) = ["value", "period", "missing", "count"].iter().find_map(|f| find(f)) {
                let message = format!(
                    "column `{}` belongs to a sheet of one value per row, but column {} (`{}`) and those after it are periods, a value per cell; write the sheet one way or the other",
                    header[c],
                    pc + 1,
                    header[pc]
                );
                return Err(at(Error::new(Code::DataMixedLayout, message), c));
            }
        }
        let (mut checked, mut ignored) = (Vec::new(), Vec::new());
        let mut id_column = |field: &str| {
            let named = kinds.iter().position(|k| matches!(k, Kind::Named(n) if n.field == field));
            match (find(field), named) {
                (Some(c), Some(n)) => {
                    let reason = format!("the {field} is read from column {} (`{}`)", c + 1, header[c]);
                    ignored.push(IgnoredColumn { file: Some(file.to_string()), column: n + 1, name: header[n].clone(), reason });
                    Some(c)
                }
                (None, Some(n)) => {
                    let Kind::Named(named) = &kinds[n] else { return None };
                    checked.push((n, header[n].clone(), *named));
                    Some(n)
                }
                (found, None) => found,
            }
        };
        let (indicator, entity) = (id_column("indicator"), id_column("entity"));
        let need = |c: Option<usize>, what: &str| {
            c.ok_or_else(|| Error::new(Code::DataMissingColumn, format!("the header has no `{what}` column")).in_file(file).at(1, 1))
        };
        let (indicator, entity) = (need(indicator, "indicator")?, need(entity, "entity")?);
        let layout = if periods.is_empty() {
            let (period, value) = (need(find("period"), "period")?, need(find("value"), "value")?);
            Layout::Tidy { period, value, missing: find("missing"), count: find("count") }
        } else {
            Layout::Wide(periods)
        };
        Ok(Columns { mark, indicator, entity, gender: find("gender"), source: find("source"), layout, checked, ignored })
    }

    /// The observations of one record, each handed to `emit` with the 0-based column it stands
    /// at (a tidy row's first column; a wide row's period cell); `at` places an error at the
    /// record's line and a 0-based column. A wide row gives one observation per period column,
    /// a gap for an empty cell.
    pub(super) fn read(
        &self,
        record: &csv::StringRecord,
        at: impl Fn(Error, usize) -> Error,
        mut emit: impl FnMut(RowParts<'_>, usize) -> Result<()>,
    ) -> Result<()> {
        let cell = |c: usize| trim(record.get(c).unwrap_or(""));
        let period = match &self.layout {
            Layout::Tidy { period, .. } => Some(*period),
            Layout::Wide(_) => None,
        };
        for (c, name) in [(Some(self.indicator), "indicator"), (Some(self.entity), "entity"), (period, "period")] {
            if let Some(c) = c.filter(|&c| cell(c).contains(['\n', '\r'])) {
                let message = format!("the `{name}` cell holds a line break (is a quote in this row misplaced?)");
                return Err(at(Error::new(Code::DataMalformedCsv, message), c));
            }
        }
        for (c, header, named) in &self.checked {
            if !(named.is_id)(cell(*c)) {
                let message = format!(
                    "`{header}` holds `{}`, a name: attain needs {}, since a name is spelt in more ways than one and attain keeps no table of names to ids; add the id column",
                    cell(*c),
                    named.needs
                );
                return Err(at(Error::new(Code::DataMissingColumn, message), *c));
            }
        }
        let gender = match self.gender {
            Some(c) => Gender::parse(cell(c)).ok_or_else(|| at(gender_error(cell(c)), c))?,
            None => Gender::T,
        };
        let source = self.source.map(cell).filter(|s| !s.is_empty());
        let row = |period, value, missing, count| RowParts {
            indicator: cell(self.indicator),
            entity: cell(self.entity),
            period,
            gender,
            value,
            missing,
            count,
            source,
        };
        match &self.layout {
            Layout::Tidy { period, value, missing, count } => {
                let (v, mut why) = parse_value(cell(*value), self.mark).map_err(|e| at(e, *value))?;
                // A reason given wins over Kolada's marker in the value.
                if let Some(c) = missing.filter(|&c| v.is_none() && !cell(c).is_empty()) {
                    why = Some(cell(c));
                }
                let count = match *count {
                    Some(c) if !cell(c).is_empty() => Some(cell(c).parse::<u32>().map_err(|_| at(count_error(cell(c)), c))?),
                    _ => None,
                };
                emit(row(cell(*period), v, why, count), 0)
            }
            Layout::Wide(periods) => {
                for (c, p) in periods {
                    let (v, why) = parse_value(cell(*c), self.mark).map_err(|e| at(e, *c))?;
                    emit(row(p, v, why, None), *c)?;
                }
                Ok(())
            }
        }
    }

    /// Observations each record gives: one, or one per period column.
    pub(super) fn per_record(&self) -> usize {
        match &self.layout {
            Layout::Tidy { .. } => 1,
            Layout::Wide(periods) => periods.len(),
        }
    }
}
