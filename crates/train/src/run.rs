//! Training runs: tokenised data in, a model folder out. Every number a model card reports
//! is measured through attnscope-core on the exported folder — the code the app runs.
//!
//! Resuming: after every epoch the weights and the epoch number are checkpointed in the work
//! folder; `--resume` continues from the last completed epoch (AdamW's moment estimates
//! restart from zero, so a resumed run is close to, not bit-identical with, an uninterrupted
//! one).

use crate::batch::{bucketed, pad};
use crate::bleu::corpus_bleu;
use crate::data::{DataError, Example, Pair};
use crate::nets::bilstm::BiLstm;
use crate::nets::seq2seq::Seq2Seq;
use crate::nets::transformer::Transformer;
use crate::optim::{load_weights, save_weights, Learner, Schedule};
use attnscope_core::config::ModelConfig;
use attnscope_core::tokenizer::WordPieceTokenizer;
use attnscope_core::trace::Output;
use attnscope_core::{Interventions, Model, ModelError};
use candle_core::{DType, Device, Tensor, D};
use candle_nn::{VarBuilder, VarMap};
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

/// A classifier network of either architecture.
pub enum Classifier {
    /// See [`Transformer`].
    Transformer(Transformer),
    /// See [`BiLstm`].
    BiLstm(BiLstm),
}

impl Classifier {
    /// Builds the network `config` describes (a classifier config).
    pub fn new(config: &ModelConfig, vb: VarBuilder, dropout: f32) -> candle_core::Result<Self> {
        Ok(match config {
            ModelConfig::TransformerEncoderClassifier(c) => {
                Self::Transformer(Transformer::new(c, vb, dropout)?)
            }
            ModelConfig::BiLstmAttentionClassifier(c) => Self::BiLstm(BiLstm::new(c, vb, dropout)?),
            ModelConfig::Seq2SeqAttention(_) => candle_core::bail!("not a classifier"),
        })
    }

    /// Logits (B, classes).
    pub fn logits(&self, ids: &Tensor, valid: &Tensor, train: bool) -> candle_core::Result<Tensor> {
        match self {
            Self::Transformer(m) => m.forward(ids, valid, train),
            Self::BiLstm(m) => Ok(m.forward(ids, valid, train)?.0),
        }
    }
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

/// One pass over `set` (ids, label) in bucketed batches; returns every step's loss.
pub fn classifier_epoch(
    net: &Classifier,
    varmap: &VarMap,
    learner: &mut Learner,
    set: &[(Vec<u32>, usize)],
    schedule: &Schedule,
    seed: u64,
    span: Span,
) -> Result<EpochOutcome, TrainError> {
    let lengths: Vec<usize> = set.iter().map(|(ids, _)| ids.len()).collect();
    let mut losses = Vec::new();
    let batches = bucketed(&lengths, schedule.batch, seed);
    for (n, batch) in batches.iter().enumerate().skip(span.skip) {
        if schedule.max_steps.is_some_and(|m| learner.step >= m) {
            break;
        }
        if span.stop_at.is_some_and(|t| Instant::now() >= t) {
            return Ok(EpochOutcome {
                losses,
                batches_done: n,
                finished: false,
            });
        }
        let rows: Vec<&[u32]> = batch.iter().map(|&i| set[i].0.as_slice()).collect();
        let labels: Vec<u32> = batch.iter().map(|&i| set[i].1 as u32).collect();
        let (ids, valid) = pad(&rows, 0)?;
        let logits = net.logits(&ids, &valid, true)?;
        let targets = Tensor::new(labels.as_slice(), &Device::Cpu)?;
        let loss = candle_nn::loss::cross_entropy(&logits, &targets)?;
        losses.push(learner.step(&loss, varmap)?);
    }
    Ok(EpochOutcome {
        losses,
        batches_done: batches.len(),
        finished: true,
    })
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

/// Accuracy and confusion matrix (rows = true class, columns = predicted) of the model
/// folder `dir` on `examples`, computed by attnscope-core.
pub fn core_accuracy(
    dir: &Path,
    examples: &[Example],
    classes: usize,
) -> Result<(f64, Vec<Vec<usize>>), TrainError> {
    let model = Model::from_dir(dir)?;
    let mut confusion = vec![vec![0usize; classes]; classes];
    let none = Interventions::default();
    for e in examples {
        let predicted = match model.run(&e.text, &none)?.output {
            Output::Classification(c) => attnscope_core::ops::argmax(&c.probabilities),
            _ => 0,
        };
        confusion[e.label][predicted] += 1;
    }
    let correct: usize = (0..classes).map(|c| confusion[c][c]).sum();
    Ok((correct as f64 / examples.len().max(1) as f64, confusion))
}

/// What a classifier run measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClassifierReport {
    /// Trainable parameters.
    pub parameters: usize,
    /// Dev accuracy after each epoch (f32 weights).
    pub dev_by_epoch: Vec<f64>,
    /// Mean training loss of each epoch.
    pub loss_by_epoch: Vec<f32>,
    /// Dev accuracy of the shipped (f16) folder.
    pub dev_accuracy: f64,
    /// Test accuracy of the shipped (f16) folder.
    pub test_accuracy: f64,
    /// Test accuracy with f32 weights.
    pub test_accuracy_f32: f64,
    /// Test confusion matrix of the shipped folder.
    pub confusion: Vec<Vec<usize>>,
    /// Optimiser steps.
    pub steps: usize,
    /// Wall time of the run.
    pub seconds: f64,
}

/// Everything one classifier run needs.
pub struct ClassifierJob<'a> {
    /// The architecture and sizes.
    pub config: ModelConfig,
    /// tokenizer.json text.
    pub tokenizer_json: &'a str,
    /// train / dev / test.
    pub data: &'a crate::data::Splits<Example>,
    /// How to learn.
    pub schedule: Schedule,
    /// Checkpoints and scratch folders.
    pub work: PathBuf,
    /// The model folder written at the end.
    pub out: PathBuf,
    /// Continue from the last checkpoint in `work`.
    pub resume: bool,
    /// Checkpoint and stop when this instant has passed.
    pub stop_at: Option<Instant>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Checkpoint {
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
fn restore(varmap: &VarMap, path: &Path) -> Result<(), TrainError> {
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

fn labels_of(config: &ModelConfig) -> usize {
    match config {
        ModelConfig::TransformerEncoderClassifier(c) => c.labels.len(),
        ModelConfig::BiLstmAttentionClassifier(c) => c.labels.len(),
        ModelConfig::Seq2SeqAttention(_) => 0,
    }
}

/// The epoch loop both runs share: resume from the work folder's checkpoint, train an
/// epoch, score the dev set, checkpoint, keep the best weights in `best.safetensors`.
struct Run<'a> {
    work: &'a Path,
    resume: bool,
    stop_at: Option<Instant>,
    schedule: &'a Schedule,
    metric: &'static str,
}

impl Run<'_> {
    /// Runs the remaining epochs; returns the final state (per-epoch losses and dev scores,
    /// training seconds over every resumed process).
    fn fit(
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

/// Trains a classifier, keeps the epoch with the best dev accuracy, exports it in f16 and
/// measures it.
pub fn train_classifier(job: &ClassifierJob<'_>) -> Result<ClassifierReport, TrainError> {
    std::fs::create_dir_all(&job.work).map_err(|source| TrainError::Io {
        path: job.work.clone(),
        source,
    })?;
    let tokenizer = WordPieceTokenizer::from_json(job.tokenizer_json)?;
    let max_len = match &job.config {
        ModelConfig::TransformerEncoderClassifier(c) => c.max_len,
        ModelConfig::BiLstmAttentionClassifier(c) => c.max_len,
        ModelConfig::Seq2SeqAttention(_) => 0,
    };
    let classes = labels_of(&job.config);
    let texts: Vec<&str> = job.data.train.iter().map(|e| e.text.as_str()).collect();
    let set: Vec<(Vec<u32>, usize)> = encode(&tokenizer, &texts, max_len)
        .into_iter()
        .zip(job.data.train.iter().map(|e| e.label))
        .collect();
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let net = Classifier::new(&job.config, vb, job.schedule.dropout)?;
    let parameters = varmap.all_vars().iter().map(|v| v.elem_count()).sum();
    let per_epoch = set.len().div_ceil(job.schedule.batch);
    let mut learner = Learner::new(&varmap, job.schedule, per_epoch * job.schedule.epochs)?;
    let scratch = job.work.join("eval");
    let run = Run {
        work: &job.work,
        resume: job.resume,
        stop_at: job.stop_at,
        schedule: &job.schedule,
        metric: "dev accuracy",
    };
    let state = run.fit(
        &varmap,
        &mut learner,
        |learner, epoch, span| {
            classifier_epoch(&net, &varmap, learner, &set, &job.schedule, epoch, span)
        },
        || {
            export(
                &scratch,
                &job.config,
                (job.tokenizer_json, None),
                &varmap,
                DType::F32,
            )?;
            Ok(core_accuracy(&scratch, &job.data.dev, classes)?.0)
        },
    )?;
    restore(&varmap, &job.work.join("best.safetensors"))?;
    export(
        &scratch,
        &job.config,
        (job.tokenizer_json, None),
        &varmap,
        DType::F32,
    )?;
    let (test_f32, _) = core_accuracy(&scratch, &job.data.test, classes)?;
    export(
        &job.out,
        &job.config,
        (job.tokenizer_json, None),
        &varmap,
        DType::F16,
    )?;
    let (dev_accuracy, _) = core_accuracy(&job.out, &job.data.dev, classes)?;
    let (test_accuracy, confusion) = core_accuracy(&job.out, &job.data.test, classes)?;
    Ok(ClassifierReport {
        parameters,
        dev_by_epoch: state.dev_by_epoch,
        loss_by_epoch: state.loss_by_epoch,
        dev_accuracy,
        test_accuracy,
        test_accuracy_f32: test_f32,
        confusion,
        steps: learner.step,
        seconds: state.seconds,
    })
}

/// The fidelity fixture of a classifier folder: for each text, the logits candle computes
/// from the folder's own (f16-rounded) weights.
pub fn classifier_fixture(dir: &Path, texts: &[String]) -> Result<serde_json::Value, TrainError> {
    let model = Model::from_dir(dir)?;
    let tensors = load_weights(&dir.join("model.safetensors"))?;
    let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
    let net = Classifier::new(&model.config, vb, 0.0)?;
    let max_len = model.max_len();
    let mut cases = Vec::new();
    for text in texts {
        let ids = &encode(&model.tokenizer, &[text.as_str()], max_len)[0];
        if ids.is_empty() {
            continue;
        }
        let (ids_t, valid) = pad(&[ids.as_slice()], 0)?;
        let logits: Vec<f32> = net.logits(&ids_t, &valid, false)?.squeeze(0)?.to_vec1()?;
        cases.push(serde_json::json!({ "text": text, "ids": ids, "logits": logits }));
    }
    Ok(serde_json::json!({ "cases": cases }))
}

/// One source with its decoder input and target ids.
pub struct TranslationExample {
    /// Source ids.
    pub src: Vec<u32>,
    /// [BOS] y₁ … y_{n−1}.
    pub tgt_in: Vec<u32>,
    /// y₁ … y_n [EOS].
    pub tgt_out: Vec<u32>,
}

/// Tokenises every (source, target) pair of `pairs` for teacher forcing.
pub fn translation_set(
    pairs: &[Pair],
    source: &WordPieceTokenizer,
    target: &WordPieceTokenizer,
    config: &attnscope_core::config::Seq2SeqConfig,
) -> Vec<TranslationExample> {
    let mut out = Vec::new();
    for pair in pairs {
        let src = &encode(source, &[pair.source.as_str()], config.max_src_len)[0];
        if src.is_empty() {
            continue;
        }
        for t in &pair.targets {
            let mut ids = encode(target, &[t.as_str()], config.max_decode_len - 1).remove(0);
            ids.push(config.eos_id);
            let mut tgt_in = vec![config.bos_id];
            tgt_in.extend_from_slice(&ids[..ids.len() - 1]);
            out.push(TranslationExample {
                src: src.clone(),
                tgt_in,
                tgt_out: ids,
            });
        }
    }
    out
}

/// One pass of teacher-forced training; returns every step's loss (mean token
/// cross-entropy over the real target tokens).
pub fn translation_epoch(
    net: &Seq2Seq,
    varmap: &VarMap,
    learner: &mut Learner,
    set: &[TranslationExample],
    schedule: &Schedule,
    seed: u64,
    span: Span,
) -> Result<EpochOutcome, TrainError> {
    let lengths: Vec<usize> = set
        .iter()
        .map(|e| e.src.len() * 64 + e.tgt_in.len())
        .collect();
    let mut losses = Vec::new();
    let batches = bucketed(&lengths, schedule.batch, seed);
    for (n, batch) in batches.iter().enumerate().skip(span.skip) {
        if schedule.max_steps.is_some_and(|m| learner.step >= m) {
            break;
        }
        if span.stop_at.is_some_and(|t| Instant::now() >= t) {
            return Ok(EpochOutcome {
                losses,
                batches_done: n,
                finished: false,
            });
        }
        let src: Vec<&[u32]> = batch.iter().map(|&i| set[i].src.as_slice()).collect();
        let tgt_in: Vec<&[u32]> = batch.iter().map(|&i| set[i].tgt_in.as_slice()).collect();
        let tgt_out: Vec<&[u32]> = batch.iter().map(|&i| set[i].tgt_out.as_slice()).collect();
        let (src, src_valid) = pad(&src, 0)?;
        let (tgt_in, _) = pad(&tgt_in, 0)?;
        let (tgt_out, tgt_valid) = pad(&tgt_out, 0)?;
        let logits = net.forward(&src, &src_valid, &tgt_in, true)?; // (B, L, V)
        let log_p = candle_nn::ops::log_softmax(&logits, D::Minus1)?;
        let picked = log_p
            .gather(&tgt_out.unsqueeze(D::Minus1)?, D::Minus1)?
            .squeeze(D::Minus1)?; // (B, L)
        let loss = ((picked * &tgt_valid)?.sum_all()? / tgt_valid.sum_all()?)?.neg()?;
        losses.push(learner.step(&loss, varmap)?);
    }
    Ok(EpochOutcome {
        losses,
        batches_done: batches.len(),
        finished: true,
    })
}

/// Greedy translations of `sources` by the model folder `dir`, through attnscope-core.
pub fn core_translations(dir: &Path, sources: &[&str]) -> Result<Vec<String>, TrainError> {
    let model = Model::from_dir(dir)?;
    let none = Interventions::default();
    sources
        .iter()
        .map(|s| {
            Ok(match model.run(s, &none)?.output {
                Output::Translation { text, .. } => text,
                _ => String::new(),
            })
        })
        .collect()
}

/// Corpus BLEU of the folder's greedy translations of `pairs`: lower-cased against all their
/// references and against the first only, and cased (see [`Bleu`]).
pub fn core_bleu(dir: &Path, pairs: &[Pair]) -> Result<Bleu, TrainError> {
    let sources: Vec<&str> = pairs.iter().map(|p| p.source.as_str()).collect();
    let translations = core_translations(dir, &sources)?;
    let hyps: Vec<String> = translations.iter().map(|h| h.to_lowercase()).collect();
    let all: Vec<Vec<String>> = pairs
        .iter()
        .map(|p| p.targets.iter().map(|t| t.to_lowercase()).collect())
        .collect();
    let first: Vec<Vec<String>> = all.iter().map(|r| vec![r[0].clone()]).collect();
    let capitalised: Vec<String> = translations
        .iter()
        .map(|h| crate::bleu::capitalise_first(h))
        .collect();
    let cased: Vec<Vec<String>> = pairs.iter().map(|p| p.targets.clone()).collect();
    Ok(Bleu {
        all_references: corpus_bleu(&hyps, &all),
        first_reference: corpus_bleu(&hyps, &first),
        cased: corpus_bleu(&capitalised, &cased),
    })
}

/// Corpus BLEU of one set of translations, three ways.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Bleu {
    /// Lower-cased hypotheses and references, all references of each sentence.
    pub all_references: f64,
    /// Lower-cased, the first reference only.
    pub first_reference: f64,
    /// sacreBLEU's default, cased: the references as written, the hypotheses with their first
    /// letter capitalised (the model writes lower case).
    pub cased: f64,
}

/// What the translator run measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TranslatorReport {
    /// Trainable parameters.
    pub parameters: usize,
    /// Dev BLEU (all references, lower-cased) after each epoch, on a fixed dev sample.
    pub dev_by_epoch: Vec<f64>,
    /// Mean training loss of each epoch.
    pub loss_by_epoch: Vec<f32>,
    /// Dev BLEU of the shipped folder.
    pub dev_bleu: Bleu,
    /// Test BLEU of the shipped folder.
    pub test_bleu: Bleu,
    /// Test BLEU with f32 weights (all references).
    pub test_bleu_f32: f64,
    /// Optimiser steps.
    pub steps: usize,
    /// Wall time.
    pub seconds: f64,
}

/// Everything the translator run needs.
pub struct TranslatorJob<'a> {
    /// Sizes and ids.
    pub config: ModelConfig,
    /// English tokenizer.json.
    pub source_json: &'a str,
    /// Spanish tokenizer.json.
    pub target_json: &'a str,
    /// Pairs.
    pub data: &'a crate::data::Splits<Pair>,
    /// How to learn.
    pub schedule: Schedule,
    /// Checkpoints.
    pub work: PathBuf,
    /// The model folder.
    pub out: PathBuf,
    /// Continue from the last checkpoint.
    pub resume: bool,
    /// Checkpoint and stop when this instant has passed.
    pub stop_at: Option<Instant>,
    /// How many dev sentences the per-epoch BLEU uses.
    pub dev_sample: usize,
}

/// Trains the translator, keeps the epoch with the best dev BLEU, exports in f16, measures.
pub fn train_translator(job: &TranslatorJob<'_>) -> Result<TranslatorReport, TrainError> {
    std::fs::create_dir_all(&job.work).map_err(|source| TrainError::Io {
        path: job.work.clone(),
        source,
    })?;
    let ModelConfig::Seq2SeqAttention(config) = &job.config else {
        return Err(TrainError::Tokenizer("not a translator config".into()));
    };
    let source = WordPieceTokenizer::from_json(job.source_json)?;
    let target = WordPieceTokenizer::from_json(job.target_json)?;
    let set = translation_set(&job.data.train, &source, &target, config);
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu);
    let net = Seq2Seq::new(config, vb, job.schedule.dropout)?;
    let parameters = varmap.all_vars().iter().map(|v| v.elem_count()).sum();
    let per_epoch = set.len().div_ceil(job.schedule.batch);
    let mut learner = Learner::new(&varmap, job.schedule, per_epoch * job.schedule.epochs)?;
    let tokenizers = (job.source_json, Some(job.target_json));
    let scratch = job.work.join("eval");
    // Tatoeba is sorted by length: an evenly spaced sample, not the shortest sentences.
    let stride = job.data.dev.len().div_ceil(job.dev_sample.max(1)).max(1);
    let dev_sample: Vec<Pair> = job.data.dev.iter().step_by(stride).cloned().collect();
    let run = Run {
        work: &job.work,
        resume: job.resume,
        stop_at: job.stop_at,
        schedule: &job.schedule,
        metric: "dev BLEU",
    };
    let state = run.fit(
        &varmap,
        &mut learner,
        |learner, epoch, span| {
            translation_epoch(&net, &varmap, learner, &set, &job.schedule, epoch, span)
        },
        || {
            export(&scratch, &job.config, tokenizers, &varmap, DType::F32)?;
            Ok(core_bleu(&scratch, &dev_sample)?.all_references)
        },
    )?;
    restore(&varmap, &job.work.join("best.safetensors"))?;
    export(&scratch, &job.config, tokenizers, &varmap, DType::F32)?;
    let test_f32 = core_bleu(&scratch, &job.data.test)?.all_references;
    export(&job.out, &job.config, tokenizers, &varmap, DType::F16)?;
    Ok(TranslatorReport {
        parameters,
        dev_by_epoch: state.dev_by_epoch,
        loss_by_epoch: state.loss_by_epoch,
        dev_bleu: core_bleu(&job.out, &job.data.dev)?,
        test_bleu: core_bleu(&job.out, &job.data.test)?,
        test_bleu_f32: test_f32,
        steps: learner.step,
        seconds: state.seconds,
    })
}

/// Logits of every `FIXTURE_STRIDE`-th target id go into the translator's fixture.
pub const FIXTURE_STRIDE: usize = 50;

/// The translator's fidelity fixture: for each source, the ids of candle's greedy decoding
/// from the folder's own (f16-rounded) weights, and every step's logits at `checked_ids`
/// (every 50th id and the generated ones).
pub fn translator_fixture(dir: &Path, sources: &[String]) -> Result<serde_json::Value, TrainError> {
    let model = Model::from_dir(dir)?;
    let ModelConfig::Seq2SeqAttention(config) = &model.config else {
        return Err(TrainError::Tokenizer("not a translator".into()));
    };
    let tensors = load_weights(&dir.join("model.safetensors"))?;
    let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
    let net = Seq2Seq::new(config, vb, 0.0)?;
    let mut cases = Vec::new();
    for s in sources {
        let src = &encode(&model.tokenizer, &[s.as_str()], config.max_src_len)[0];
        if src.is_empty() {
            continue;
        }
        let (ids, logits) =
            net.greedy(&Tensor::new(src.as_slice(), &Device::Cpu)?.unsqueeze(0)?)?;
        let logits: Vec<Vec<f32>> = logits.to_vec2()?;
        // Every step's full logits would be megabytes: keep a fixed stride of the vocabulary
        // plus each step's generated id.
        let mut checked: Vec<u32> = (0..config.tgt_vocab_size as u32)
            .step_by(FIXTURE_STRIDE)
            .collect();
        checked.extend(&ids);
        checked.sort_unstable();
        checked.dedup();
        let sampled: Vec<Vec<f32>> = logits
            .iter()
            .map(|row| checked.iter().map(|&i| row[i as usize]).collect())
            .collect();
        cases.push(serde_json::json!({
            "text": s, "src": src, "ids": ids, "checked_ids": checked, "step_logits": sampled
        }));
    }
    Ok(serde_json::json!({ "cases": cases }))
}
