//! Training runs: tokenised data in, a model folder out. Every number a model card reports
//! is measured through attnscope-core on the exported folder — the code the app runs.
//!
//! This module holds what both kinds of run share (errors, export, checkpoints and the epoch
//! loop); [`classifier`] trains the Transformer and BiLSTM classifiers, [`translator`] the
//! seq2seq translator.
//!
//! Resuming: after every epoch the weights and the epoch number are checkpointed in the work
//! folder; `--resume` continues from the last completed epoch (AdamW's moment estimates
//! restart from zero, so a resumed run is close to, not bit-identical with, an uninterrupted
//! one).

pub mod classifier;
pub mod translator;

pub use classifier::*;
pub use translator::*;

use crate::data::DataError;
use crate::optim::{save_weights, Learner, Schedule};
use attnscope_core::config::ModelConfig;
use attnscope_core::tokenizer::WordPieceTokenizer;
use attnscope_core::ModelError;
use candle_core::DType;
use candle_nn::VarMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Anything a run can fail with.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A tensor operation failed.
    #[error("candle: {0}")]
    Candle(#[from] candle_core::Error),
    /// The exported folder did not load or run in core.
    #[error("attnscope-core: {0}")]
    Model(#[from] ModelError),
    /// A data file is missing or malformed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Training a tokenizer failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The time budget ran out; a checkpoint was written.
    #[error("stopped at the time limit in epoch {epoch} after {batches} batches; continue with --resume")]
    Stopped {
        /// The unfinished epoch (1-based).
        epoch: usize,
        /// Its batches done.
        batches: usize,
    },
}

/// What one (possibly interrupted) pass over the training set did.
pub struct EpochOutcome {
    /// Every step's loss.
    pub losses: Vec<f32>,
    /// Batches of the epoch done, those skipped on resuming included.
    pub batches_done: usize,
    /// Whether the epoch ran to its end.
    pub finished: bool,
}

/// Where an epoch starts and when it must stop.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    /// Batches already done in this epoch (after resuming a stopped run).
    pub skip: usize,
    /// Stop before starting a batch after this instant.
    pub stop_at: Option<Instant>,
}

/// Writes `contents` to `path`, naming the path on failure.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), TrainError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| TrainError::Io {
            path: parent.to_owned(),
            source,
        })?;
    }
    std::fs::write(path, contents).map_err(|source| TrainError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Token ids of each example's text, as core's tokenizer makes them (cut to `max_len`).
pub fn encode(tokenizer: &WordPieceTokenizer, texts: &[&str], max_len: usize) -> Vec<Vec<u32>> {
    texts
        .iter()
        .map(|t| {
            tokenizer
                .encode_truncated(t, max_len)
                .0
                .iter()
                .map(|tok| tok.id)
                .collect()
        })
        .collect()
}

/// Writes a model folder: config.json, tokenizer.json (+ target_tokenizer.json) and the
/// weights in `dtype`.
pub fn export(
    dir: &Path,
    config: &ModelConfig,
    tokenizers: (&str, Option<&str>),
    varmap: &VarMap,
    dtype: DType,
) -> Result<(), TrainError> {
    let json = serde_json::to_string_pretty(config).expect("configs serialise");
    write(&dir.join("config.json"), json + "\n")?;
    write(&dir.join("tokenizer.json"), tokenizers.0)?;
    if let Some(target) = tokenizers.1 {
        write(&dir.join("target_tokenizer.json"), target)?;
    }
    let weights = dir.join("model.safetensors");
    save_weights(varmap, &weights, dtype)?;
    // candle creates the file owner-only; a served model must be world-readable.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&weights, std::fs::Permissions::from_mode(0o644)).map_err(
            |source| TrainError::Io {
                path: weights.clone(),
                source,
            },
        )?;
    }
    Ok(())
}

#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Checkpoint {
    epoch: usize,
    step: usize,
    best: f64,
    dev_by_epoch: Vec<f64>,
    loss_by_epoch: Vec<f32>,
    /// Batches done of the unfinished epoch `epoch + 1`, and their losses.
    #[serde(default)]
    batches_done: usize,
    #[serde(default)]
    partial_losses: Vec<f32>,
    /// Training seconds of the earlier (stopped) processes of this run.
    #[serde(default)]
    seconds: f64,
}

impl Checkpoint {
    fn new() -> Self {
        Self {
            epoch: 0,
            step: 0,
            best: -1.0,
            dev_by_epoch: Vec::new(),
            loss_by_epoch: Vec::new(),
            batches_done: 0,
            partial_losses: Vec::new(),
            seconds: 0.0,
        }
    }
}

fn load_checkpoint(work: &Path) -> Option<Checkpoint> {
    let text = std::fs::read_to_string(work.join("checkpoint.json")).ok()?;
    serde_json::from_str(&text).ok()
}

fn save_checkpoint(work: &Path, varmap: &VarMap, state: &Checkpoint) -> Result<(), TrainError> {
    save_weights(varmap, &work.join("checkpoint.safetensors"), DType::F32)?;
    write(
        &work.join("checkpoint.json"),
        serde_json::to_string(state).expect("serialises"),
    )
}

/// Sets every variable of `varmap` to the values saved in `path` (a [`VarMap`] clone shares
/// its variables).
pub(crate) fn restore(varmap: &VarMap, path: &Path) -> Result<(), TrainError> {
    varmap.clone().load(path)?;
    Ok(())
}

/// Folds an epoch's outcome into the checkpoint: a stopped epoch is saved (weights, batches
/// done, losses so far) and ends the run with [`TrainError::Stopped`]; a finished one gives
/// back all of its losses, those from before a resume included.
fn interrupted(
    work: &Path,
    varmap: &VarMap,
    state: &mut Checkpoint,
    outcome: EpochOutcome,
    step: usize,
    epoch: usize,
    seconds: f64,
) -> Result<Vec<f32>, TrainError> {
    let mut losses = std::mem::take(&mut state.partial_losses);
    losses.extend(outcome.losses);
    if outcome.finished {
        state.batches_done = 0;
        return Ok(losses);
    }
    state.batches_done = outcome.batches_done;
    state.partial_losses = losses;
    state.step = step;
    state.seconds = seconds;
    save_checkpoint(work, varmap, state)?;
    Err(TrainError::Stopped {
        epoch: epoch + 1,
        batches: outcome.batches_done,
    })
}

/// The epoch loop both runs share: resume from the work folder's checkpoint, train an
/// epoch, score the dev set, checkpoint, keep the best weights in `best.safetensors`.
pub(crate) struct Run<'a> {
    pub(crate) work: &'a Path,
    pub(crate) resume: bool,
    pub(crate) stop_at: Option<Instant>,
    pub(crate) schedule: &'a Schedule,
    pub(crate) metric: &'static str,
}

impl Run<'_> {
    /// Runs the remaining epochs; returns the final state (per-epoch losses and dev scores,
    /// training seconds over every resumed process).
    pub(crate) fn fit(
        &self,
        varmap: &VarMap,
        learner: &mut Learner,
        mut train_epoch: impl FnMut(&mut Learner, u64, Span) -> Result<EpochOutcome, TrainError>,
        mut score_dev: impl FnMut() -> Result<f64, TrainError>,
    ) -> Result<Checkpoint, TrainError> {
        let started = Instant::now();
        let mut state = Checkpoint::new();
        if self.resume {
            if let Some(saved) = load_checkpoint(self.work) {
                restore(varmap, &self.work.join("checkpoint.safetensors"))?;
                learner.step = saved.step;
                state = saved;
                eprintln!("resuming after epoch {}", state.epoch);
            }
        }
        let prior = state.seconds;
        let seconds = || prior + started.elapsed().as_secs_f64();
        for epoch in state.epoch..self.schedule.epochs {
            let span = Span {
                skip: state.batches_done,
                stop_at: self.stop_at,
            };
            let outcome = train_epoch(learner, epoch as u64, span)?;
            let step = learner.step;
            let losses = interrupted(
                self.work,
                varmap,
                &mut state,
                outcome,
                step,
                epoch,
                seconds(),
            )?;
            let mean = losses.iter().sum::<f32>() / losses.len().max(1) as f32;
            let dev = score_dev()?;
            eprintln!(
                "epoch {}: loss {mean:.4}, {} {dev:.4} ({:.0} s)",
                epoch + 1,
                self.metric,
                seconds()
            );
            state.epoch = epoch + 1;
            state.step = step;
            state.seconds = seconds();
            state.dev_by_epoch.push(dev);
            state.loss_by_epoch.push(mean);
            if dev > state.best {
                state.best = dev;
                save_weights(varmap, &self.work.join("best.safetensors"), DType::F32)?;
            }
            save_checkpoint(self.work, varmap, &state)?;
            if self.schedule.max_steps.is_some_and(|m| step >= m) {
                break;
            }
        }
        Ok(state)
    }
}
