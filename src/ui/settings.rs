//! The settings store: the one `core::device::settings::Settings` the form edits
//! (clamped as it is entered, kept on this device as it changes), the
//! keys (kept only when the volunteer asks), and the UI language.

use super::i18n::Lang;
use crate::core::api::provider::{ApiKey, ProviderSettings, SettingsError};
use crate::core::device::settings::Settings;
use crate::web;
use leptos::prelude::*;

const KEY_SETTINGS: &str = "tallyscan.settings";
const KEY_API_KEY: &str = "tallyscan.api_key";

/// The settings, as signals, given by context.
#[derive(Clone, Copy)]
pub struct SettingsStore {
    /// UI language.
    pub lang: RwSignal<Lang>,
    /// Everything but the keys.
    pub settings: RwSignal<Settings>,
    /// The key of the first provider.
    pub api_key: RwSignal<ApiKey>,
    /// The fallback provider's key (never kept).
    pub fallback_key: RwSignal<ApiKey>,
    /// Keep the first key in localStorage.
    pub remember_key: RwSignal<bool>,
}

impl SettingsStore {
    /// The settings kept on this device, or the defaults.
    pub fn load() -> Self {
        let settings = Settings::read(&web::storage::get(KEY_SETTINGS).unwrap_or_default());
        let lang = if settings.lang == "en" {
            Lang::En
        } else {
            Lang::Th
        };
        let key = web::storage::get(KEY_API_KEY);
        SettingsStore {
            lang: RwSignal::new(lang),
            settings: RwSignal::new(settings),
            api_key: RwSignal::new(key.as_deref().map(ApiKey::new).unwrap_or_default()),
            fallback_key: RwSignal::new(ApiKey::default()),
            remember_key: RwSignal::new(key.is_some()),
        }
    }

    /// Changes the settings as the volunteer entered them: brought into
    /// their bounds, then kept.
    pub fn edit(&self, change: impl FnOnce(&mut Settings)) {
        self.settings.update(|s| {
            change(s);
            *s = std::mem::take(s).clamped();
        });
        self.save();
    }

    /// A reactive read of one setting.
    pub fn get<T: 'static>(&self, field: impl Fn(&Settings) -> T) -> T {
        self.settings.with(field)
    }

    /// Keeps the settings (with the language) on this device; the key only
    /// when the volunteer asked.
    pub fn save(&self) {
        let mut s = self.settings.get_untracked();
        s.lang = self.lang.get_untracked().code().into();
        web::storage::set(KEY_SETTINGS, &s.write());
        let key = self.api_key.get_untracked();
        if self.remember_key.get_untracked() && !key.is_empty() {
            web::storage::set(KEY_API_KEY, key.expose());
        } else {
            web::storage::remove(KEY_API_KEY);
        }
    }

    /// Forgets the settings and the key kept on this device.
    pub fn forget(&self) {
        web::storage::remove(KEY_SETTINGS);
        web::storage::remove(KEY_API_KEY);
        self.settings.set(Settings::default());
        self.api_key.set(ApiKey::default());
        self.fallback_key.set(ApiKey::default());
        self.remember_key.set(false);
    }

    /// Makes `p` the first provider (its format, endpoint, model and key).
    pub fn set_provider(&self, p: &ProviderSettings) {
        self.edit(|s| {
            s.kind = p.kind.id().into();
            s.endpoint = p.endpoint.clone();
            s.model = p.model.clone();
        });
        self.api_key.set(p.api_key.clone());
    }

    /// The first provider, with its key.
    pub fn provider(&self) -> ProviderSettings {
        self.settings
            .with_untracked(|s| s.provider(self.api_key.get_untracked()))
    }

    /// The fallback provider, when one is set.
    pub fn fallback(&self) -> Option<ProviderSettings> {
        self.settings
            .with_untracked(|s| s.fallback(self.fallback_key.get_untracked()))
    }

    /// The providers, when they can be used from this page.
    pub fn checked(&self) -> Result<(ProviderSettings, Option<ProviderSettings>), SettingsError> {
        let https = web::page_is_https();
        let first = self.provider();
        first.validate_for_page(https)?;
        let fallback = self.fallback();
        if let Some(f) = &fallback {
            f.validate_for_page(https)?;
        }
        Ok((first, fallback))
    }
}
