//! The browser entry point: mounts the Leptos app. Built by Trunk for wasm32.

fn main() {
    #[cfg(target_arch = "wasm32")]
    flask_sqlalchemy_playground::ui::mount();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the playground's web app runs in the browser: see README.md");
}
