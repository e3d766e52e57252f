//! The day/month order of numeric dates, inferred from evidence across the inputs: an MSI log
//! header date that proves its order (a day above 12), or a Burn log's ISO date matching one
//! reading of an ambiguous header date.

use super::input::Planned;
use crate::detect::SNIFF_LEN;
use crate::locale_date::{DateOrder, NumericDate};
use crate::source::Format;
use crate::text::{LineReader, TextEncoding};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Decide the day/month order of MSI header dates from evidence in the inputs: a header date that
/// proves its order (a day above 12), or a Burn log's ISO date matching one reading.
pub(super) fn infer_date_order(inputs: &[Planned]) -> Option<DateOrder> {
    let mut proven = Vec::new();
    let mut ambiguous = Vec::new();
    let mut burn_dates = Vec::new();
    for p in inputs.iter().filter(|p| p.error.is_none()) {
        let Some(d) = p.detected else { continue };
        match d.format {
            Format::MsiLog => {
                for date in header_dates(&p.path, d.encoding.unwrap_or(TextEncoding::Utf8)) {
                    match date.implied_order() {
                        Some(o) if !date.is_ambiguous() => proven.push(o),
                        _ => ambiguous.push(date),
                    }
                }
            }
            Format::BurnLog => burn_dates.extend(burn_first_date(
                &p.path,
                d.encoding.unwrap_or(TextEncoding::Utf8),
            )),
            _ => {}
        }
    }
    proven.sort_by_key(|o| *o as u8);
    proven.dedup();
    if proven.len() == 1 {
        return proven.first().copied();
    }
    for date in ambiguous {
        let (md, dm) = date.readings();
        let md_hit = md.is_some_and(|d| burn_dates.contains(&d));
        let dm_hit = dm.is_some_and(|d| burn_dates.contains(&d));
        if md_hit != dm_hit {
            return Some(if md_hit {
                DateOrder::MonthFirst
            } else {
                DateOrder::DayFirst
            });
        }
    }
    None
}

/// Header dates in the first lines of an MSI log (cheap: reads at most the sniff length).
fn header_dates(path: &Path, encoding: TextEncoding) -> Vec<NumericDate> {
    let Ok(file) = File::open(path) else {
        return Vec::new();
    };
    let mut reader = LineReader::new(file.take(SNIFF_LEN as u64 * 4), encoding);
    let mut out = Vec::new();
    while let Ok(Some(line)) = reader.next_line() {
        let t = line.text.trim_start_matches('\u{feff}');
        if let Some(rest) = t.strip_prefix("=== ") {
            if let Some(at) = rest.find("started: ") {
                if let Some(d) = rest[at + 9..]
                    .split_whitespace()
                    .next()
                    .and_then(NumericDate::parse)
                {
                    out.push(d);
                }
            }
        }
    }
    out
}

fn burn_first_date(path: &Path, encoding: TextEncoding) -> Option<chrono::NaiveDate> {
    let file = File::open(path).ok()?;
    let mut reader = LineReader::new(file.take(SNIFF_LEN as u64), encoding);
    let line = reader.next_line().ok()??;
    let text = line.text.trim_start_matches('\u{feff}');
    let at = text.find("][")?;
    chrono::NaiveDate::parse_from_str(text.get(at + 2..at + 12)?, "%Y-%m-%d").ok()
}
