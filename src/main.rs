//! The binary trunk builds: it only starts the app.

fn main() {
    attnscope::run();
}
