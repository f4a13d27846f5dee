//! A model folder: `config.json`, `model.safetensors`, `tokenizer.json` (and, for a translator,
//! `target_tokenizer.json`), loaded from bytes (the browser) or from a path (native), and run
//! on text to give a [`Trace`].

use crate::bilstm::{BiLstmAttentionClassifier, BiLstmOutput};
use crate::config::ModelConfig;
use crate::decoder::{DecoderOutput, TransformerDecoderLm};
use crate::seq2seq::{Seq2SeqAttention, Seq2SeqOutput};
use crate::tokenizer::{Token, UnknownWords, WordPieceTokenizer};
use crate::trace::{Attention, Candidate, Decoded, Interventions, Output, Trace};
use crate::transformer::{TransformerEncoderClassifier, TransformerOutput};
use crate::weights::WeightStore;
use crate::ModelError;
use std::sync::Arc;

/// The loaded network (boxed: the variants differ a lot in size).
#[derive(Debug, Clone, PartialEq)]
pub enum Network {
    /// A Transformer encoder classifier.
    Transformer(Box<TransformerEncoderClassifier>),
    /// A BiLSTM + attention classifier.
    BiLstm(Box<BiLstmAttentionClassifier>),
    /// A seq2seq translator.
    Seq2Seq(Box<Seq2SeqAttention>),
    /// A decoder-only language model.
    Decoder(Box<TransformerDecoderLm>),
}

/// What a network's forward returns.
#[derive(Debug, Clone, PartialEq)]
pub enum NetworkOutput {
    /// A Transformer's classification, maps and inspected head.
    Transformer(TransformerOutput),
    /// A BiLSTM's classification and pooling.
    BiLstm(BiLstmOutput),
    /// A translator's decoding.
    Seq2Seq(Seq2SeqOutput),
    /// A decoder's causal maps and next-token candidates.
    Decoder(DecoderOutput),
}

impl Network {
    /// Loads the network `config` describes from a safetensors store.
    pub fn load(config: &ModelConfig, store: &WeightStore<'_>) -> Result<Self, ModelError> {
        Ok(match config {
            ModelConfig::TransformerEncoderClassifier(c) => Network::Transformer(Box::new(
                TransformerEncoderClassifier::load(c.clone(), store)?,
            )),
            ModelConfig::BiLstmAttentionClassifier(c) => {
                Network::BiLstm(Box::new(BiLstmAttentionClassifier::load(c.clone(), store)?))
            }
            ModelConfig::Seq2SeqAttention(c) => {
                Network::Seq2Seq(Box::new(Seq2SeqAttention::load(c.clone(), store)?))
            }
            ModelConfig::TransformerDecoderLm(c) => {
                Network::Decoder(Box::new(TransformerDecoderLm::load(c.clone(), store)?))
            }
        })
    }

    /// Runs on token ids (the caller truncates to the maximum length).
    pub fn forward(
        &self,
        ids: &[u32],
        interventions: &Interventions,
    ) -> Result<NetworkOutput, ModelError> {
        Ok(match self {
            Network::Transformer(m) => NetworkOutput::Transformer(m.forward(ids, interventions)?),
            Network::BiLstm(m) => NetworkOutput::BiLstm(m.forward(ids, interventions)?),
            Network::Seq2Seq(m) => NetworkOutput::Seq2Seq(m.forward(ids, interventions)?),
            Network::Decoder(m) => NetworkOutput::Decoder(m.forward(ids, interventions)?),
        })
    }
}

/// The bytes of a model folder's files.
#[derive(Debug, Clone, Copy)]
pub struct ModelFiles<'a> {
    /// config.json
    pub config: &'a str,
    /// model.safetensors
    pub weights: &'a [u8],
    /// tokenizer.json (the source side for a translator)
    pub tokenizer: &'a str,
    /// target_tokenizer.json, for a translator only
    pub target_tokenizer: Option<&'a str>,
}

/// A loaded model: network and tokenizers.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// config.json, parsed.
    pub config: ModelConfig,
    /// The network.
    pub network: Network,
    /// The (source) tokenizer.
    pub tokenizer: WordPieceTokenizer,
    /// The target tokenizer of a translator.
    pub target_tokenizer: Option<WordPieceTokenizer>,
}

fn vocab_fits(
    field: &'static str,
    tokenizer: &WordPieceTokenizer,
    vocab: usize,
) -> Result<(), ModelError> {
    if tokenizer.vocab_size() > vocab {
        return Err(ModelError::ConfigField {
            field,
            reason: format!(
                "{vocab}, but the tokenizer has ids up to {}",
                tokenizer.vocab_size() - 1
            ),
        });
    }
    Ok(())
}

impl Model {
    /// Loads a model from its files' bytes.
    pub fn from_files(files: ModelFiles<'_>) -> Result<Self, ModelError> {
        // Order matters for the error a user sees: the config first (sizes checked before
        // anything is allocated), then the tokenizer, then that the two agree, and only then
        // the weights, each tensor checked by name and shape against the config.
        let config = ModelConfig::from_json(files.config)?;
        let tokenizer = WordPieceTokenizer::from_json(files.tokenizer)?;
        let (source_vocab, target_vocab) = match &config {
            ModelConfig::TransformerEncoderClassifier(c) => (c.vocab_size, None),
            ModelConfig::TransformerDecoderLm(c) => (c.vocab_size, None),
            ModelConfig::BiLstmAttentionClassifier(c) => (c.vocab_size, None),
            ModelConfig::Seq2SeqAttention(c) => (c.src_vocab_size, Some(c.tgt_vocab_size)),
        };
        let field = if target_vocab.is_some() {
            "src_vocab_size"
        } else {
            "vocab_size"
        };
        vocab_fits(field, &tokenizer, source_vocab)?;
        let target_tokenizer = match target_vocab {
            Some(vocab) => {
                let json = files.target_tokenizer.ok_or_else(|| {
                    ModelError::Tokenizer("a translator needs target_tokenizer.json".into())
                })?;
                let target = WordPieceTokenizer::from_json(json)?;
                vocab_fits("tgt_vocab_size", &target, vocab)?;
                Some(target)
            }
            None => None,
        };
        let network = Network::load(&config, &WeightStore::for_config(files.weights, &config)?)?;
        Ok(Self {
            config,
            network,
            tokenizer,
            target_tokenizer,
        })
    }

    /// Loads a model folder from disk.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_dir(dir: &std::path::Path) -> Result<Self, ModelError> {
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| ModelError::Io {
                path: dir.join(name).display().to_string(),
                reason: e.to_string(),
            })
        };
        let text = |name: &str| {
            read(name).and_then(|b| {
                String::from_utf8(b).map_err(|_| ModelError::Io {
                    path: dir.join(name).display().to_string(),
                    reason: "not UTF-8".into(),
                })
            })
        };
        // The config first: a folder that is not a model folder at all is named by it.
        let config = text("config.json")?;
        // A Hugging Face folder may have only BERT's vocab.txt (and tokenizer_config.json's
        // `do_lower_case`) in place of tokenizer.json.
        let tokenizer = if dir.join("tokenizer.json").exists() || !dir.join("vocab.txt").exists() {
            text("tokenizer.json")?
        } else {
            let tokenizer_config = text("tokenizer_config.json").ok();
            crate::hf::tokenizer_json_from_folder(&text("vocab.txt")?, tokenizer_config.as_deref())?
        };
        let weights = read("model.safetensors")?;
        let target = if dir.join("target_tokenizer.json").exists() {
            Some(text("target_tokenizer.json")?)
        } else {
            None
        };
        Self::from_files(ModelFiles {
            config: &config,
            weights: &weights,
            tokenizer: &tokenizer,
            target_tokenizer: target.as_deref(),
        })
    }

    /// The architecture's name.
    pub fn architecture(&self) -> &'static str {
        match self.network {
            Network::Transformer(_) => "TransformerEncoderClassifier",
            Network::BiLstm(_) => "BiLstmAttentionClassifier",
            Network::Seq2Seq(_) => "Seq2SeqAttention",
            Network::Decoder(_) => "TransformerDecoderLm",
        }
    }

    /// The most tokens one input may have.
    pub fn max_len(&self) -> usize {
        match &self.config {
            ModelConfig::TransformerEncoderClassifier(c) => c.max_len,
            ModelConfig::TransformerDecoderLm(c) => c.max_len,
            ModelConfig::BiLstmAttentionClassifier(c) => c.max_len,
            ModelConfig::Seq2SeqAttention(c) => c.max_src_len,
        }
    }

    /// Tokenises `text` (cut to the maximum length) and runs the network. Empty or blank text
    /// gives an empty trace with a message; nothing here panics on any text.
    pub fn run(&self, text: &str, interventions: &Interventions) -> Result<Trace, ModelError> {
        let (trace, ids) = self.encode(text);
        if ids.is_empty() {
            return Ok(trace);
        }
        let output = self.network.forward(&ids, interventions)?;
        Ok(self.finish(trace, output))
    }

    /// The first half of [`Model::run`]: the trace without outputs (tokens, truncation, the
    /// message) and the ids to run; no ids for empty or blank text. Another engine (the GPU)
    /// runs the ids and hands its output to [`Model::finish`], so both engines build the same
    /// `Trace`.
    pub fn encode(&self, text: &str) -> (Trace, Vec<u32>) {
        let mut trace = Trace::empty(self.architecture());
        // Empty or blank text runs nothing: the trace carries a message instead of maps, so
        // a view can say what to do rather than draw an empty plot.
        if text.trim().is_empty() {
            trace.message = Some("Type some text to see where the model looks.".to_owned());
            return (trace, Vec::new());
        }
        // Longer inputs are cut to the model's maximum length (special tokens kept), and the
        // trace says so with the full count: typing never fails, it only stops growing.
        let (mut tokens, mut total) = self.tokenizer.encode_truncated(text, self.max_len());
        // A decoder reads the start token ([CLS]) and the text, and predicts what follows the
        // last word: the tokenizer's closing [SEP] would make it predict after the end.
        if matches!(self.network, Network::Decoder(_))
            && tokens.last().is_some_and(|t| t.special)
            && tokens.len() > 1
        {
            tokens.pop();
            total -= 1;
        }
        trace.truncated = total > tokens.len();
        trace.original_token_count = total;
        if trace.truncated {
            trace.message = Some(format!(
                "The text has {total} tokens; the model reads the first {}.",
                tokens.len()
            ));
        }
        // A text the model cannot read (Chinese typed into an English model) still runs, but
        // the trace says the answer is a guess rather than scoring unknown tokens silently.
        let unknown = self.tokenizer.unknown_words(&tokens);
        if unknown.most() {
            let note = unknown_note(unknown);
            trace.message = Some(match trace.message.take() {
                Some(first) => format!("{note} {first}"),
                None => note,
            });
            trace.unknown_words = Some(unknown);
        }
        let ids: Vec<u32> = tokens.iter().map(|t: &Token| t.id).collect();
        if ids.is_empty() {
            trace.message = Some("Nothing in the text makes a token for this model.".to_owned());
        }
        trace.tokens = tokens;
        (trace, ids)
    }

    /// The second half of [`Model::run`]: puts a network's output into the trace.
    pub fn finish(&self, mut trace: Trace, output: NetworkOutput) -> Trace {
        match output {
            NetworkOutput::Transformer(out) => {
                trace.output = Output::Classification(out.classification);
                trace.attention = Attention::SelfAttention(Arc::new(out.attention));
                trace.detail = out.detail.map(|d| *d);
            }
            NetworkOutput::BiLstm(out) => {
                trace.output = Output::Classification(out.classification);
                trace.attention = Attention::Pooling {
                    weights: out.pooling,
                };
                trace.pooling_detail = out.detail;
            }
            NetworkOutput::Decoder(out) => {
                let name = |id: u32| self.tokenizer.token(id).unwrap_or("[?]").to_owned();
                trace.output = Output::NextToken {
                    position: out.attention.len.saturating_sub(1),
                    candidates: out
                        .next
                        .iter()
                        .map(|&(id, probability)| Candidate {
                            id,
                            token: name(id),
                            probability,
                        })
                        .collect(),
                };
                trace.attention = Attention::SelfAttention(Arc::new(out.attention));
                trace.detail = out.detail.map(|d| *d);
            }
            NetworkOutput::Seq2Seq(out) => {
                let target = self
                    .target_tokenizer
                    .as_ref()
                    .expect("loaded with the translator");
                let name = |id: u32| target.token(id).unwrap_or("[?]").to_owned();
                let decoding = out.decoding;
                let candidates = decoding
                    .top_k
                    .iter()
                    .map(|step| {
                        step.iter()
                            .map(|&(id, probability)| Candidate {
                                id,
                                token: name(id),
                                probability,
                            })
                            .collect()
                    })
                    .collect();
                trace.attention = Attention::Cross {
                    weights: Arc::new(decoding.cross_attention),
                };
                trace.output = Output::Translation {
                    text: target.decode(&decoding.ids),
                    tokens: decoding.ids.iter().map(|&id| name(id)).collect(),
                    decoding: Decoded {
                        ids: decoding.ids,
                        stop: decoding.stop,
                        candidates,
                    },
                };
            }
        }
        trace
    }
}

/// The notice for a text whose words are mostly unknown to the model.
fn unknown_note(unknown: UnknownWords) -> String {
    let UnknownWords { unknown, words } = unknown;
    let plural = if words == 1 { "word is" } else { "words are" };
    format!(
        "Most of this text is unknown to the model: {unknown} of {words} {plural} not in its vocabulary, so its answer is a guess."
    )
}
