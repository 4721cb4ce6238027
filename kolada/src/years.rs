//! `--years`: `2015-2023`, `2019,2021` or both, as the sorted list of years Kolada is asked for.

use attain_core::{Code, Error, Result};
use std::collections::BTreeSet;

/// Most years one fetch asks for.
const MAX_YEARS: usize = 200;

/// The years a text names: ranges `A-B` and single years, separated by commas.
///
/// # Errors
/// `query.invalid_argument` naming the part that is not a year or a range (`2023-2015` too).
pub fn parse_years(text: &str) -> Result<Vec<String>> {
    let mut years = BTreeSet::new();
    for part in text.split(',').map(str::trim) {
        let bad = |why: &str| Error::new(Code::QueryInvalidArgument, format!("--years `{part}`: {why}; write 2015-2023 or 2019,2021"));
        let year = |s: &str| -> Result<u32> {
            let s = s.trim();
            if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| bad("not a year"))
            } else {
                Err(bad("not a year"))
            }
        };
        let (from, to) = match part.split_once('-') {
            Some((a, b)) => (year(a)?, year(b)?),
            None => (year(part)?, year(part)?),
        };
        if from > to {
            return Err(bad("the range runs backwards"));
        }
        if (to - from) as usize >= MAX_YEARS {
            return Err(bad(&format!("more than {MAX_YEARS} years")));
        }
        years.extend((from..=to).map(|y| y.to_string()));
    }
    if years.len() > MAX_YEARS {
        return Err(Error::new(Code::QueryInvalidArgument, format!("--years names more than {MAX_YEARS} years")));
    }
    Ok(years.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::parse_years;

    #[test]
    fn ranges_and_lists() {
        assert_eq!(parse_years("2021-2023").unwrap_or_default(), ["2021", "2022", "2023"]);
        assert_eq!(parse_years("2023, 2019,2021-2022").unwrap_or_default(), ["2019", "2021", "2022", "2023"]);
        for bad in ["", "2023-2015", "23", "2019;2020", "abcd", "2019-"] {
            let e = parse_years(bad).expect_err(bad);
            assert!(e.message().contains("--years"), "{bad}: {e}");
        }
    }
}
