//! The live views' performance readout: keystroke → paint latencies, kept where tests find
//! them (`window.__attnscopeLatencies`) and shown in the `#live-perf` line.

/// How many latency records the page keeps (the oldest go first): enough for any benchmark
/// (they clear it and type a few hundred keys at most), small enough that a lesson-long
/// session reaches the cap within minutes and its memory then stays flat.
pub const LATENCIES_KEPT: u32 = 500;

/// Records a keystroke-to-paint latency where tests and the readout find it.
/// `why` (shown in the readout) says why this engine runs, when it was chosen or forced.
pub fn record_latency(ms: f64, engine: &str, t: usize, forward_ms: f64, why: Option<&str>) {
    let window = crate::dom::window();
    let key = wasm_bindgen::JsValue::from_str("__attnscopeLatencies");
    let list = js_sys::Reflect::get(&window, &key)
        .ok()
        .filter(|v| v.is_object())
        .unwrap_or_else(|| {
            let list = js_sys::Array::new().into();
            let _ = js_sys::Reflect::set(&window, &key, &list);
            list
        });
    let entry = js_sys::Object::new();
    for (k, v) in [
        ("ms", wasm_bindgen::JsValue::from_f64(ms)),
        ("engine", engine.into()),
        ("t", wasm_bindgen::JsValue::from_f64(t as f64)),
        ("forwardMs", wasm_bindgen::JsValue::from_f64(forward_ms)),
    ] {
        let _ = js_sys::Reflect::set(&entry, &k.into(), &v);
    }
    let list = wasm_bindgen::JsCast::unchecked_into::<js_sys::Array>(list);
    list.push(&entry);
    // An hour of typing must not grow the page: the newest records are enough for any report.
    if list.length() > LATENCIES_KEPT {
        list.shift();
    }
    if let Some(element) = crate::dom::document().get_element_by_id("live-perf") {
        let name = if engine == "gpu" {
            "GPU (WebGPU)"
        } else {
            "CPU (wasm)"
        };
        let why = why.map(|w| format!(" ({w})")).unwrap_or_default();
        element.set_text_content(Some(&format!(
            "{name}{why} · T = {t} · forward {forward_ms:.1} ms · keystroke → paint {ms:.1} ms"
        )));
    }
}

/// What a painted result tells the latency readout.
#[derive(Debug, Clone, PartialEq)]
pub struct Painted {
    /// The job number (each is measured once).
    pub seq: u64,
    /// When the input behind it arrived; results not caused by an input are not measured.
    pub input_at: Option<f64>,
    /// `gpu` or `cpu`.
    pub engine: &'static str,
    /// Tokens in the input.
    pub tokens: usize,
    /// The forward's own time.
    pub forward_ms: f64,
    /// Why this engine runs (auto's measurement, or why no GPU was offered).
    pub why: Option<String>,
}

/// Records keystroke → painted frame for each new result that came from an input: at the
/// animation frame after the result is committed, the frame that shows it.
#[yew::hook]
pub fn use_paint_latency(painted: Option<Painted>) {
    let measured = yew::use_mut_ref(|| 0u64);
    yew::use_effect_with(painted, move |painted| {
        let Some(painted) = painted.clone() else {
            return;
        };
        let Some(input_at) = painted.input_at else {
            return;
        };
        if *measured.borrow() >= painted.seq {
            return;
        }
        *measured.borrow_mut() = painted.seq;
        crate::dom::on_next_frame(move |_| {
            record_latency(
                crate::dom::now_ms() - input_at,
                painted.engine,
                painted.tokens,
                painted.forward_ms,
                painted.why.as_deref(),
            );
        });
    });
}
