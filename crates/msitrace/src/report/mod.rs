//! The renderings of a [`crate::Report`]: [`text`] for people on a
//! terminal, [`json`] for machines (schema version [`SCHEMA_VERSION`], documented in
//! `docs/report-schema.md`, JSON Schema in `docs/report.schema.json`), [`jsonl`] (the kept events,
//! one a line), [`sarif`] (SARIF 2.1.0 for code-scanning tools), [`markdown`] (CI job summaries) and
//! [`html`] (one self-contained page).
//!
//! Every renderer is deterministic (same report, same bytes) and treats log text as untrusted.

pub mod chain_svg;
pub mod escape;
pub mod graph;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod markdown;
pub mod sarif;
pub mod text;
pub mod wrap;
