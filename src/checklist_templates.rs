//! Preventive-maintenance checklist templates a manager picks when creating an inspection.
//! Item texts come from the translation files, in the language of the manager creating the
//! case; the case stores them as written (they are part of what the customer signs).

use onsite_core::mutation::ChecklistTemplateItem;

use crate::i18n::I18n;

pub struct ChecklistTemplate {
    pub id: &'static str,
    pub items: &'static [&'static str],
}

pub static TEMPLATES: &[ChecklistTemplate] = &[
    ChecklistTemplate {
        id: "ups_quarterly",
        items: &[
            "visual",
            "battery_voltage",
            "battery_temperature",
            "transfer_test",
            "fans_filters",
            "event_log",
            "firmware",
        ],
    },
    ChecklistTemplate {
        id: "chiller_pm",
        items: &[
            "pressures",
            "condenser",
            "compressor_oil",
            "terminals",
            "water_delta",
            "safety_controls",
            "leak_check",
        ],
    },
    ChecklistTemplate {
        id: "fire_panel_annual",
        items: &[
            "panel_faults",
            "standby_battery",
            "detectors",
            "sounders",
            "event_log",
        ],
    },
];

pub fn template(id: &str) -> Option<&'static ChecklistTemplate> {
    TEMPLATES.iter().find(|t| t.id == id)
}

/// The template's name key (`template.<id>`) and item keys (`template.<id>.<item>`).
pub fn name_key(id: &str) -> String {
    format!("template.{id}")
}

pub fn item_key(id: &str, item: &str) -> String {
    format!("template.{id}.{item}")
}

/// The checklist a `case.create` carries, in the current language.
pub fn checklist(t: &ChecklistTemplate, i18n: &I18n) -> Vec<ChecklistTemplateItem> {
    t.items
        .iter()
        .map(|item| ChecklistTemplateItem {
            item_id: (*item).to_string(),
            text: i18n.t(&item_key(t.id, item)).to_string(),
        })
        .collect()
}
