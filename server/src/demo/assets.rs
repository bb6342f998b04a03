//! The demo's images (made once with a canvas in headless Chromium, committed under
//! `server/demo-assets/`): small baseline JPEG photos and a PNG signature.

pub const PHOTO_BEFORE: &[u8] = include_bytes!("../../demo-assets/before.jpg");
pub const PHOTO_AFTER: &[u8] = include_bytes!("../../demo-assets/after.jpg");
pub const PHOTO_LABEL: &[u8] = include_bytes!("../../demo-assets/label.jpg");
pub const PHOTO_FAILED_ITEM: &[u8] = include_bytes!("../../demo-assets/failed-item.jpg");
pub const SIGNATURE_PNG: &[u8] = include_bytes!("../../demo-assets/signature.png");

/// The images' hashes, as the builder names them.
pub(super) struct Images {
    pub signature: String,
    pub before: String,
    pub after: String,
    pub label: String,
    pub failed_item: String,
}

impl Images {
    /// Every image's bytes, to store as blobs.
    pub(super) const ALL: [&'static [u8]; 5] = [
        SIGNATURE_PNG,
        PHOTO_BEFORE,
        PHOTO_AFTER,
        PHOTO_LABEL,
        PHOTO_FAILED_ITEM,
    ];

    pub(super) fn hashed() -> Images {
        Images {
            signature: onsite_core::sha256_hex(SIGNATURE_PNG),
            before: onsite_core::sha256_hex(PHOTO_BEFORE),
            after: onsite_core::sha256_hex(PHOTO_AFTER),
            label: onsite_core::sha256_hex(PHOTO_LABEL),
            failed_item: onsite_core::sha256_hex(PHOTO_FAILED_ITEM),
        }
    }
}
