//! The page's one compute backend, shared by everything on the page that runs a model: the
//! app and every `<attn-scope>` element use one GPU device, detected once. When any of them
//! loses the device, all of them hear of it and answer on the CPU.

use crate::engine::backend::Backend;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// A subscriber to backend changes; `Rc` so the list can be copied out before calling.
type Listener = Rc<dyn Fn(Backend)>;

/// What the page knows about its backend, and who is listening.
struct PageBackend {
    backend: Backend,
    /// Whether detection has started, so a second subscriber does not start another.
    detecting: bool,
    /// The id the next subscription gets (ids are never reused).
    next_id: u64,
    /// Every live subscription, by id.
    listeners: Vec<(u64, Listener)>,
}

thread_local! {
    static PAGE: RefCell<PageBackend> = RefCell::new(PageBackend {
        backend: Backend::Detecting,
        detecting: false,
        next_id: 0,
        listeners: Vec::new(),
    });
}

/// Stops a listener when dropped.
pub struct Subscription(u64);

impl Drop for Subscription {
    fn drop(&mut self) {
        let id = self.0;
        PAGE.with(|page| page.borrow_mut().listeners.retain(|(i, _)| *i != id));
    }
}

/// The backend now (`Detecting` until the first detection finishes).
pub fn current() -> Backend {
    PAGE.with(|page| page.borrow().backend.clone())
}

/// Calls `listener` on every change of the page's backend; starts detection on first use.
pub fn subscribe(listener: impl Fn(Backend) + 'static) -> Subscription {
    let (id, start) = PAGE.with(|page| {
        let mut page = page.borrow_mut();
        let id = page.next_id;
        page.next_id += 1;
        page.listeners.push((id, Rc::new(listener)));
        let start = !page.detecting && page.backend == Backend::Detecting;
        page.detecting |= start;
        (id, start)
    });
    if start {
        wasm_bindgen_futures::spawn_local(async {
            let backend = Backend::detect().await;
            if let Backend::WebGpu(gpu) = &backend {
                crate::engine::backend::install_lose_gpu_hook(gpu);
            }
            set(backend);
        });
    }
    Subscription(id)
}

/// The GPU device was lost: everything on the page switches to the CPU engine.
pub fn device_lost(reason: String) {
    // Only the first report counts: the other views meeting the same lost device find the
    // page already on the CPU, and nothing is announced twice.
    if matches!(current(), Backend::WebGpu(_)) {
        set(Backend::Cpu(attnscope_gpu::GpuUnavailable::Lost(reason)));
    }
}

fn set(backend: Backend) {
    // The listeners are copied out and called after the borrow ends: a listener may
    // subscribe or drop a subscription, which borrows `PAGE` again.
    let listeners: Vec<Listener> = PAGE.with(|page| {
        let mut page = page.borrow_mut();
        page.backend = backend.clone();
        page.listeners.iter().map(|(_, l)| l.clone()).collect()
    });
    for listener in listeners {
        listener(backend.clone());
    }
}

/// The page's backend, re-rendering the component when it changes.
#[hook]
pub fn use_page_backend() -> Backend {
    let backend = use_state(current);
    {
        let backend = backend.clone();
        use_effect_with((), move |()| {
            let subscription = {
                let backend = backend.clone();
                subscribe(move |b| backend.set(b))
            };
            backend.set(current()); // in case detection ended before the subscription
            move || drop(subscription)
        });
    }
    (*backend).clone()
}
