use serde::{Deserialize, Serialize};

/// A spare part in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Part {
    pub part_no: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub unit: String,
}

impl Part {
    /// Case-insensitive match on part number or name; `needle` must already be lowercase.
    pub fn matches(&self, needle_lower: &str) -> bool {
        self.part_no.to_lowercase().contains(needle_lower)
            || self.name.to_lowercase().contains(needle_lower)
    }
}

/// On-hand quantity of one part in one engineer's van. May go negative: the
/// engineer used a part the ledger did not know they had; it is flagged, not refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StockLevel {
    pub part_no: String,
    pub engineer_id: uuid::Uuid,
    pub qty: i64,
    /// Reorder point: at or below it the van is low on this part.
    #[serde(default = "default_min_qty")]
    pub min_qty: i64,
}

pub const DEFAULT_MIN_QTY: i64 = 1;

fn default_min_qty() -> i64 {
    DEFAULT_MIN_QTY
}

impl StockLevel {
    pub fn is_negative(&self) -> bool {
        self.qty < 0
    }

    pub fn is_low(&self) -> bool {
        self.qty <= self.min_qty
    }
}
