//! Classifier runs: the Transformer and the BiLSTM on labelled sentences, best dev epoch
//! kept, exported in f16, and accuracy measured through attnscope-core on the folder.

use super::{encode, export, restore, EpochOutcome, Run, Span, TrainError};
use crate::batch::{bucketed, pad};
use crate::data::Example;
use crate::nets::bilstm::BiLstm;
use crate::nets::transformer::Transformer;
use crate::optim::{load_weights, Learner, Schedule};
use attnscope_core::config::ModelConfig;
use attnscope_core::tokenizer::WordPieceTokenizer;
use attnscope_core::trace::Output;
use attnscope_core::{Interventions, Model};
use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

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
            ModelConfig::Seq2SeqAttention(_) | ModelConfig::TransformerDecoderLm(_) => {
                candle_core::bail!("not a classifier")
            }
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

/// How many classes a classifier config predicts (0 for a translator or a language model).
fn labels_of(config: &ModelConfig) -> usize {
    match config {
        ModelConfig::TransformerEncoderClassifier(c) => c.labels.len(),
        ModelConfig::BiLstmAttentionClassifier(c) => c.labels.len(),
        ModelConfig::Seq2SeqAttention(_) | ModelConfig::TransformerDecoderLm(_) => 0,
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
        ModelConfig::Seq2SeqAttention(_) | ModelConfig::TransformerDecoderLm(_) => 0,
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
