//! The fleet summary: machine records folded into causes ranked by the machines they affect,
//! with the products and versions they hit, when they were first and last seen, and which
//! machines share them. Built one record at a time ([`FleetSummary::add`]), so a batch keeps only
//! the summary in memory, never the reports.

use super::record::MachineRecord;
use crate::analysis::Verdict;
use crate::findings::Severity;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Most errors kept per bundle with problems (the JSON lines have them all).
const MAX_ERRORS_PER_BUNDLE: usize = 5;

/// What a fleet of machines shows, built from their records.
#[derive(Debug, Clone, Default)]
pub struct FleetSummary {
    machines: BTreeMap<String, Verdict>,
    bundles: usize,
    causes: BTreeMap<String, CauseTally>,
    problems: Vec<BundleProblem>,
}

/// A cause (a finding id) across the fleet.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Cause {
    /// Finding id (`msi.temp-folder.access-denied`, ...).
    pub id: String,
    /// The most severe severity seen.
    pub severity: Severity,
    /// Category.
    pub category: String,
    /// Title (of its first occurrence).
    pub title: String,
    /// Machines affected, sorted.
    pub machines: Vec<String>,
    /// Products and versions hit, most machines first.
    pub products: Vec<ProductCount>,
    /// Earliest time seen (as read from the sessions), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// Latest time seen, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}

/// A product and version hit by a cause, and on how many machines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductCount {
    /// Product name (`unknown` when no log named it).
    pub product: String,
    /// Product version, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Machines.
    pub machines: usize,
}

/// A bundle that could not be analysed, in full or in part.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct BundleProblem {
    /// Machine id.
    pub machine: String,
    /// The bundle.
    pub bundle: String,
    /// True when nothing of it could be analysed.
    pub nothing_analysed: bool,
    /// The errors (at most a few; the machine record has them all).
    pub errors: Vec<String>,
}

#[derive(Debug, Clone)]
struct CauseTally {
    severity: Severity,
    category: String,
    title: String,
    machines: BTreeSet<String>,
    products: BTreeMap<(String, Option<String>), BTreeSet<String>>,
    first_seen: Option<String>,
    last_seen: Option<String>,
}

impl FleetSummary {
    /// An empty summary.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fold one machine's record in.
    pub fn add(&mut self, record: &MachineRecord) {
        self.bundles += 1;
        let verdict = self
            .machines
            .entry(record.machine.clone())
            .or_insert(record.verdict);
        *verdict = worse(*verdict, record.verdict);
        if !record.errors.is_empty() {
            self.problems.push(BundleProblem {
                machine: record.machine.clone(),
                bundle: record.bundle.clone(),
                nothing_analysed: record.verdict == Verdict::NothingAnalysed,
                errors: record
                    .errors
                    .iter()
                    .take(MAX_ERRORS_PER_BUNDLE)
                    .cloned()
                    .collect(),
            });
        }
        for f in record
            .findings
            .iter()
            .filter(|f| f.severity <= Severity::Warning)
        {
            let tally = self
                .causes
                .entry(f.id.clone())
                .or_insert_with(|| CauseTally {
                    severity: f.severity,
                    category: f.category.clone(),
                    title: f.title.clone(),
                    machines: BTreeSet::new(),
                    products: BTreeMap::new(),
                    first_seen: None,
                    last_seen: None,
                });
            tally.severity = tally.severity.min(f.severity);
            tally.machines.insert(record.machine.clone());
            let product = f.product.clone().unwrap_or_else(|| "unknown".into());
            tally
                .products
                .entry((product, f.version.clone()))
                .or_default()
                .insert(record.machine.clone());
            if let Some(t) = &f.time {
                if tally.first_seen.as_ref().is_none_or(|first| t < first) {
                    tally.first_seen = Some(t.clone());
                }
                if tally.last_seen.as_ref().is_none_or(|last| t > last) {
                    tally.last_seen = Some(t.clone());
                }
            }
        }
    }

    /// Bundles added.
    pub fn bundles(&self) -> usize {
        self.bundles
    }

    /// Distinct machines (two bundles naming the same computer are one machine).
    pub fn machines(&self) -> usize {
        self.machines.len()
    }

    /// Machines with a failure (an error-severity finding).
    pub fn failed(&self) -> usize {
        self.count(Verdict::FailureFound)
    }

    /// Machines analysed without a failure found.
    pub fn no_failure(&self) -> usize {
        self.count(Verdict::NoFailureFound)
    }

    /// Machines whose bundle could not be analysed at all.
    pub fn nothing_analysed(&self) -> usize {
        self.count(Verdict::NothingAnalysed)
    }

    fn count(&self, verdict: Verdict) -> usize {
        self.machines.values().filter(|v| **v == verdict).count()
    }

    /// Bundles with errors, in the order they were added.
    pub fn problems(&self) -> &[BundleProblem] {
        &self.problems
    }

    /// The causes (error and warning findings), ranked: most machines first, then errors before
    /// warnings, then by id.
    pub fn ranked_causes(&self) -> Vec<Cause> {
        let mut causes: Vec<Cause> = self
            .causes
            .iter()
            .map(|(id, t)| {
                let mut products: Vec<ProductCount> = t
                    .products
                    .iter()
                    .map(|((product, version), machines)| ProductCount {
                        product: product.clone(),
                        version: version.clone(),
                        machines: machines.len(),
                    })
                    .collect();
                products.sort_by_key(|p| std::cmp::Reverse(p.machines));
                Cause {
                    id: id.clone(),
                    severity: t.severity,
                    category: t.category.clone(),
                    title: t.title.clone(),
                    machines: t.machines.iter().cloned().collect(),
                    products,
                    first_seen: t.first_seen.clone(),
                    last_seen: t.last_seen.clone(),
                }
            })
            .collect();
        causes.sort_by(|a, b| {
            b.machines
                .len()
                .cmp(&a.machines.len())
                .then(a.severity.cmp(&b.severity))
                .then(a.id.cmp(&b.id))
        });
        causes
    }

    /// Problems sorted by bundle (for deterministic renderings).
    pub(super) fn problems_sorted(&self) -> Vec<&BundleProblem> {
        let mut out: Vec<&BundleProblem> = self.problems.iter().collect();
        out.sort_by(|a, b| a.bundle.cmp(&b.bundle));
        out
    }
}

/// The worse of two verdicts of one machine (a failure outweighs the rest).
fn worse(a: Verdict, b: Verdict) -> Verdict {
    let rank = |v: Verdict| match v {
        Verdict::FailureFound => 0,
        Verdict::NoFailureFound => 1,
        Verdict::NothingAnalysed => 2,
    };
    if rank(b) < rank(a) {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::record::{MachineFinding, MachineNameSource};

    fn finding(id: &str, severity: Severity, product: &str, time: &str) -> MachineFinding {
        MachineFinding {
            id: id.into(),
            severity,
            category: "test".into(),
            title: format!("{id} title"),
            summary: String::new(),
            product: Some(product.into()),
            version: Some("1.0".into()),
            time: Some(time.into()),
            evidence: vec!["install.log:3".into()],
        }
    }

    fn machine(name: &str, findings: Vec<MachineFinding>) -> MachineRecord {
        let verdict = if findings.iter().any(|f| f.severity == Severity::Error) {
            Verdict::FailureFound
        } else {
            Verdict::NoFailureFound
        };
        MachineRecord {
            schema_version: 1,
            machine: name.into(),
            machine_from: MachineNameSource::Bundle,
            bundle: format!("{name}.zip"),
            verdict,
            inputs: Vec::new(),
            sessions: Vec::new(),
            findings,
            errors: Vec::new(),
        }
    }

    #[test]
    fn causes_ranked_by_machines_then_severity() {
        let mut s = FleetSummary::new();
        let denied = |t| finding("temp.denied", Severity::Error, "Contoso", t);
        s.add(&machine("m1", vec![denied("2026-01-02T10:00:00")]));
        s.add(&machine("m2", vec![denied("2026-01-01T09:00:00")]));
        s.add(&machine(
            "m3",
            vec![
                denied("2026-01-03T11:00:00"),
                finding(
                    "reboot",
                    Severity::Warning,
                    "Contoso",
                    "2026-01-03T11:00:00",
                ),
            ],
        ));
        s.add(&machine(
            "m4",
            vec![finding(
                "dll",
                Severity::Error,
                "Fabrikam",
                "2026-01-05T00:00:00",
            )],
        ));
        s.add(&machine(
            "m5",
            vec![finding(
                "note",
                Severity::Info,
                "Fabrikam",
                "2026-01-05T00:00:00",
            )],
        ));
        let causes = s.ranked_causes();
        let ids: Vec<&str> = causes.iter().map(|c| c.id.as_str()).collect();
        // Info findings are no causes; one machine each: the error before the warning.
        assert_eq!(ids, ["temp.denied", "dll", "reboot"]);
        assert_eq!(causes[0].machines, ["m1", "m2", "m3"]);
        assert_eq!(causes[0].first_seen.as_deref(), Some("2026-01-01T09:00:00"));
        assert_eq!(causes[0].last_seen.as_deref(), Some("2026-01-03T11:00:00"));
        assert_eq!(causes[0].products[0].machines, 3);
        assert_eq!(s.failed(), 4);
        assert_eq!(s.no_failure(), 1);
    }

    #[test]
    fn bundles_of_one_machine_count_once() {
        let mut s = FleetSummary::new();
        let f = || finding("x", Severity::Error, "P", "2026-01-01T00:00:00");
        s.add(&machine("ws01", vec![f()]));
        s.add(&machine("ws01", vec![f()]));
        s.add(&machine("ws01", vec![]));
        assert_eq!(s.bundles(), 3);
        assert_eq!(s.machines(), 1);
        assert_eq!(s.failed(), 1, "a failure outweighs a clean bundle");
        assert_eq!(s.ranked_causes()[0].machines, ["ws01"]);
        assert_eq!(s.ranked_causes()[0].products[0].machines, 1);
    }

    #[test]
    fn bad_bundles_are_listed() {
        let mut s = FleetSummary::new();
        s.add(&MachineRecord::failed(
            "broken.zip",
            "broken",
            "broken.zip: corrupt".into(),
        ));
        assert_eq!(s.nothing_analysed(), 1);
        assert_eq!(s.problems()[0].errors, ["broken.zip: corrupt"]);
        assert!(s.problems()[0].nothing_analysed);
    }
}
