//! Coalescing of forwards: at most one per animation frame, the latest request wins. Every
//! outcome carries its job's number, so the pages drop any result older than the one shown.

use crate::engine::{Computed, Engine, RunError};
use attnscope_core::Interventions;
use std::cell::RefCell;
use std::rc::Rc;

/// One request for forwards of every model on the page.
pub struct Job {
    /// Increasing request number.
    pub seq: u64,
    /// The text.
    pub text: String,
    /// The interventions.
    pub interventions: Interventions,
    /// When the input that caused it arrived (`performance.now()`), if it was an input.
    pub input_at: Option<f64>,
    /// The engines to run, in panel order.
    pub engines: Vec<Rc<Engine>>,
}

/// One model's result for one job.
pub struct Outcome {
    /// The model.
    pub model: &'static str,
    /// The job's number.
    pub seq: u64,
    /// The text it ran on.
    pub text: String,
    /// The masks, heads off and temperature it ran with.
    pub interventions: Interventions,
    /// The forward's result.
    pub result: Result<Computed, RunError>,
    /// The job's input time.
    pub input_at: Option<f64>,
}

/// The queue between the page and the engines.
#[derive(Default)]
pub struct Scheduler {
    /// The last number handed out; the first job is 1.
    next_seq: u64,
    /// The job waiting to start: only the latest, as a newer request replaces it.
    pending: Option<Job>,
    /// A job's forwards are running (one job at a time, its models one after another).
    busy: bool,
    /// A forward started since the last animation frame: the next one waits for a frame.
    ran_this_frame: bool,
}

/// Shared handle to the page's scheduler.
pub type SharedScheduler = Rc<RefCell<Scheduler>>;

impl Scheduler {
    /// A new request number.
    pub fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }
}

/// Queues `job`, replacing any job not yet started. It starts at once when nothing runs and
/// no forward started in this frame (a keystroke answered without waiting for a frame),
/// else at the next animation frame or when the forward in flight ends, whichever is later.
/// `deliver` gets every model's outcome.
pub fn submit(scheduler: &SharedScheduler, job: Job, deliver: Rc<dyn Fn(Outcome)>) {
    // A job not yet started is dropped unrun: its answer would be stale before it showed.
    scheduler.borrow_mut().pending = Some(job);
    start_if_free(scheduler.clone(), deliver);
}

/// Starts the pending job if nothing runs and no forward started this frame; called on
/// submit, at each animation frame after a start, and when a job ends.
fn start_if_free(scheduler: SharedScheduler, deliver: Rc<dyn Fn(Outcome)>) {
    let job = {
        let mut s = scheduler.borrow_mut();
        if s.busy || s.ran_this_frame {
            return;
        }
        let Some(job) = s.pending.take() else { return };
        s.busy = true;
        s.ran_this_frame = true;
        job
    };
    {
        let (scheduler, deliver) = (scheduler.clone(), deliver.clone());
        // The frame callback clears the per-frame mark and retries. A hidden tab runs no
        // animation frames: after one forward there, the next waits for the tab to show.
        crate::dom::on_next_frame(move |_| {
            scheduler.borrow_mut().ran_this_frame = false;
            start_if_free(scheduler, deliver);
        });
    }
    wasm_bindgen_futures::spawn_local(async move {
        let report = |engine: &Engine, result| {
            deliver(Outcome {
                model: engine.info.name,
                seq: job.seq,
                text: job.text.clone(),
                interventions: job.interventions.clone(),
                result,
                input_at: job.input_at,
            })
        };
        // One model after another, each outcome delivered as soon as its forward ends (not
        // once the whole job has).
        for engine in &job.engines {
            let mut result = engine.run(&job.text, &job.interventions).await;
            if matches!(result, Err(RunError::DeviceLost(_))) {
                // Deliver the loss (the page says so), then answer on the CPU.
                report(engine, result);
                engine.drop_gpu();
                result = engine.run(&job.text, &job.interventions).await;
            }
            report(engine, result);
        }
        // The latest job queued meanwhile (if any) runs now, or at the next frame.
        scheduler.borrow_mut().busy = false;
        start_if_free(scheduler, deliver);
    });
}
