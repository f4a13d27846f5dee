//! [`Network`]: any shipped architecture on the GPU, loaded from its `ModelConfig` and a
//! weight store and run to core's `NetworkOutput` — the GPU twin of
//! `attnscope_core::model::Network`, so a caller holds one value whatever the architecture.

use crate::bilstm::GpuBiLstm;
use crate::decoder::GpuDecoder;
use crate::plan::{Loaded, Planned};
use crate::seq2seq::GpuSeq2Seq;
use crate::transformer::GpuTransformer;
use crate::{GpuContext, GpuError, LoadError};
use attnscope_core::config::ModelConfig;
use attnscope_core::model::NetworkOutput;
use attnscope_core::trace::Interventions;
use attnscope_core::weights::WeightStore;

/// A network loaded onto the GPU.
pub enum Network {
    /// A Transformer encoder classifier.
    Transformer(GpuTransformer),
    /// A BiLSTM + attention classifier.
    BiLstm(GpuBiLstm),
    /// A seq2seq translator.
    Seq2Seq(GpuSeq2Seq),
    /// A decoder-only language model.
    Decoder(GpuDecoder),
}

impl Network {
    /// Uploads the network `config` describes and compiles and plans its kernels; refuses a
    /// model the device cannot hold with [`LoadError::TooLarge`] naming the limit.
    pub async fn load(
        context: &GpuContext,
        config: &ModelConfig,
        store: &WeightStore<'_>,
    ) -> Result<Self, LoadError> {
        // Each engine checks its own limits, uploads, compiles and plans; the enum only
        // routes by architecture, exactly as core's `Network::load` does.
        Ok(match config {
            ModelConfig::TransformerEncoderClassifier(c) => {
                Network::Transformer(GpuTransformer::load(context, c.clone(), store).await?)
            }
            ModelConfig::BiLstmAttentionClassifier(c) => {
                Network::BiLstm(GpuBiLstm::load(context, c.clone(), store).await?)
            }
            ModelConfig::Seq2SeqAttention(c) => {
                Network::Seq2Seq(GpuSeq2Seq::load(context, c.clone(), store).await?)
            }
            ModelConfig::TransformerDecoderLm(c) => {
                Network::Decoder(GpuDecoder::load(context, c.clone(), store).await?)
            }
        })
    }

    /// Runs on token ids (truncated to the model's maximum length): one submit, one readback.
    pub async fn forward(
        &self,
        ids: &[u32],
        interventions: &Interventions,
    ) -> Result<NetworkOutput, GpuError> {
        // The same `NetworkOutput` the CPU returns, so core's `Model::finish` builds one
        // `Trace` whichever engine ran.
        Ok(match self {
            Network::Transformer(net) => {
                NetworkOutput::Transformer(net.forward(ids, interventions).await?)
            }
            Network::BiLstm(net) => NetworkOutput::BiLstm(net.forward(ids, interventions).await?),
            Network::Seq2Seq(net) => NetworkOutput::Seq2Seq(net.forward(ids, interventions).await?),
            Network::Decoder(net) => NetworkOutput::Decoder(net.forward(ids, interventions).await?),
        })
    }
}

impl Loaded for Network {
    fn planned(&self) -> &Planned {
        match self {
            Network::Transformer(net) => net.planned(),
            Network::BiLstm(net) => net.planned(),
            Network::Seq2Seq(net) => net.planned(),
            Network::Decoder(net) => net.planned(),
        }
    }
}
