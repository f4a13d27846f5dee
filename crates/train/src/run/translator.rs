//! Translator runs: the seq2seq model trained with teacher forcing on sentence pairs, best
//! dev BLEU kept, exported in f16, and BLEU measured through attnscope-core's greedy decoding
//! on the folder.

use super::{encode, export, restore, EpochOutcome, Run, Span, TrainError};
use crate::batch::{bucketed, pad};
use crate::bleu::corpus_bleu;
use crate::data::Pair;
use crate::nets::seq2seq::Seq2Seq;
use crate::optim::{load_weights, Learner, Schedule};
use attnscope_core::config::ModelConfig;
use attnscope_core::tokenizer::WordPieceTokenizer;
use attnscope_core::trace::Output;
use attnscope_core::{Interventions, Model};
use candle_core::{DType, Device, Tensor, D};
use candle_nn::{VarBuilder, VarMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

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

/// How many test sentences (the first ones) the translator's fixture decodes.
pub const FIXTURE_CASES: usize = 100;

/// The translator's fidelity fixture: for each of the first [`FIXTURE_CASES`] test sources,
/// the ids of candle's greedy decoding from the folder's own (f16-rounded) weights, and every
/// step's logits at `checked_ids` (every 50th id and the generated ones).
pub fn translator_fixture(dir: &Path, test: &[Pair]) -> Result<serde_json::Value, TrainError> {
    let sources = test.iter().take(FIXTURE_CASES).map(|p| &p.source);
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
