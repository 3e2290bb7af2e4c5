//! Messages for the learner that are not part of a run (storage problems, SQLite failing to
//! load): a plain list ([`Notices`]) and the strip that shows it ([`NoticeStrip`]).

use leptos::prelude::*;

/// What a notice is about; a newer notice of the same kind replaces the older one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// Reading the saved work at start-up.
    Restore,
    /// Writing the work as it changes.
    Save,
    /// Loading sql.js.
    Sqlite,
    /// Playgrounds, share links and downloads.
    Keep,
    /// Anything the learner did that could not be done (e.g. typing before the project ran).
    Hint,
    /// A new version of the page is installed and waits (the service worker).
    Update,
}

/// What a notice's extra button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeAction {
    /// Resume saving although that overwrites an entry that was not backed up.
    SaveAnyway,
    /// Save, then reload into the new version.
    Reload,
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
    pub action: Option<NoticeAction>,
}

/// The messages shown, newest last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notices {
    pub items: Vec<Notice>,
}

impl Notices {
    /// Shows `text`, replacing a notice of the same kind.
    pub fn show(&mut self, kind: NoticeKind, text: impl Into<String>) {
        self.show_with(kind, text, None);
    }

    /// Shows `text` with an action button.
    pub fn show_with(&mut self, kind: NoticeKind, text: impl Into<String>, action: Option<NoticeAction>) {
        let notice = Notice { kind, text: text.into(), action };
        match self.items.iter_mut().find(|n| n.kind == kind) {
            Some(n) if *n == notice => {}
            Some(n) => *n = notice,
            None => self.items.push(notice),
        }
    }

    /// Hides the notice of this kind.
    pub fn dismiss(&mut self, kind: NoticeKind) {
        self.items.retain(|n| n.kind != kind);
    }
}

/// The dismissible messages under the header.
#[component]
pub fn NoticeStrip(notices: RwSignal<Notices>, on_action: Callback<NoticeAction>) -> impl IntoView {
    view! {
        <div class="notices" role="status" aria-live="polite">
            {move || {
                notices
                    .get()
                    .items
                    .into_iter()
                    .map(|n| {
                        let kind = n.kind;
                        view! {
                            <div class="notice" class:hint=kind == NoticeKind::Hint class:update=kind == NoticeKind::Update>
                                <p>{n.text}</p>
                                {n.action.map(|action| {
                                    let label = match action {
                                        NoticeAction::SaveAnyway => "Save anyway",
                                        NoticeAction::Reload => "Reload",
                                    };
                                    view! {
                                        <button type="button" on:click=move |_| {
                                            notices.update(|ns| ns.dismiss(kind));
                                            on_action.run(action);
                                        }>{label}</button>
                                    }
                                })}
                                <button
                                    type="button"
                                    class="dismiss"
                                    aria-label="Dismiss this message"
                                    title="Dismiss"
                                    on:click=move |_| notices.update(|ns| ns.dismiss(kind))
                                >
                                    "×"
                                </button>
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_kind_replaces_and_dismiss_removes() {
        let mut n = Notices::default();
        n.show(NoticeKind::Save, "a");
        n.show(NoticeKind::Sqlite, "b");
        n.show(NoticeKind::Save, "c");
        assert_eq!(n.items.iter().map(|i| i.text.as_str()).collect::<Vec<_>>(), ["c", "b"]);
        n.dismiss(NoticeKind::Save);
        assert_eq!(n.items.len(), 1);
    }
}
