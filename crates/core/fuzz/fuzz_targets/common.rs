// A valid model folder to mutate: the golden Transformer fixture (weights + config) and a
// small WordPiece tokenizer.

pub const FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/transformer_post_gelu_cls.safetensors");

pub fn config() -> String {
    let meta = attnscope_core::weights::metadata(FIXTURE).expect("fixture metadata");
    meta["config"].clone()
}

pub const TOKENIZER: &str = r###"{"version":"1.0","added_tokens":[{"id":4,"content":"[MASK]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
"normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true},
"pre_tokenizer":{"type":"BertPreTokenizer"},"post_processor":{"type":"BertProcessing","sep":["[SEP]",3],"cls":["[CLS]",2]},
"model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,
"vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"[MASK]":4,"the":5,"movie":6,"not":7,"bad":8,"##s":9,"##ing":10,"!":11,"é":12,"中":13}}}"###;

/// The golden fixture with every f32 tensor stored as f16 (built once): the weight type of the
/// shipped folders.
pub fn fixture_f16() -> &'static [u8] {
    static F16: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    F16.get_or_init(|| {
        let header_len = u64::from_le_bytes(FIXTURE[..8].try_into().unwrap()) as usize;
        let header: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&FIXTURE[8..8 + header_len]).unwrap();
        let data = &FIXTURE[8 + header_len..];
        let mut out_header = serde_json::Map::new();
        let mut out_data = Vec::new();
        for (name, info) in header {
            if name == "__metadata__" {
                out_header.insert(name, info);
                continue;
            }
            let offsets = info["data_offsets"].as_array().unwrap();
            let (start, end) = (offsets[0].as_u64().unwrap() as usize, offsets[1].as_u64().unwrap() as usize);
            let begin = out_data.len();
            let mut info = info.clone();
            if info["dtype"] == "F32" {
                for chunk in data[start..end].chunks_exact(4) {
                    let v = f32::from_le_bytes(chunk.try_into().unwrap());
                    out_data.extend_from_slice(&half::f16::from_f32(v).to_le_bytes());
                }
                info["dtype"] = "F16".into();
            } else {
                out_data.extend_from_slice(&data[start..end]);
            }
            info["data_offsets"] = serde_json::json!([begin, out_data.len()]);
            out_header.insert(name, info);
        }
        let header = serde_json::to_vec(&out_header).unwrap();
        let mut file = (header.len() as u64).to_le_bytes().to_vec();
        file.extend_from_slice(&header);
        file.extend_from_slice(&out_data);
        file
    })
}
