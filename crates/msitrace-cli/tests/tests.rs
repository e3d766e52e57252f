//! The behaviour tests of `msitrace-cli`, one binary with a module per concern (one link, one run).

mod batch;
mod cli;
mod common;
mod everyday;
mod explain;
mod nothing_analysed;
mod output;
mod peak_memory;
mod watchdog;
