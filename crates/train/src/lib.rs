//! attnscope-train: turns public datasets shipped in registry packages into attnscope's
//! trained model folders, with candle as the autodiff framework.
//!
//! Native only. `scripts/retrain.sh` fetches the data and runs the `attnscope-train` binary;
//! README.md and each MODEL_CARD.md say what came out.
#![warn(missing_docs)]

pub mod baseline;
pub mod batch;
pub mod bleu;
pub mod card;
pub mod checklist;
pub mod data;
pub mod models;
pub mod nets;
pub mod optim;
pub mod run;
pub mod tokenizer;
