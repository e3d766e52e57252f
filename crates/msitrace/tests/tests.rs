//! The behaviour tests of `msitrace`, one binary with a module per concern (one link, one run).

mod bad_input;
mod bounded_records;
mod bundle_bombs;
mod bundles;
mod cases;
mod codes;
mod common;
mod corpus;
mod diagnosis;
mod evtx;
mod evtx_damage;
mod fixtures;
mod forms;
mod installs;
mod layers;
mod mutations;
mod procmon;
mod procmon_pml;
mod record_meaning;
mod reports;
mod rules;
mod rules_oracle;
mod scenarios;
mod text_copies;
mod toollogs;
mod xml_positions;
