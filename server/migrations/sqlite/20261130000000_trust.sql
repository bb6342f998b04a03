-- Trust (issue 9): sessions that end, devices that belong to one user, blobs bounded.

-- A token ends after a long idle period (`auth::SESSION_IDLE_DAYS`) or when revoked;
-- `revoked_reason` tells the device why on its next contact.
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
ALTER TABLE tokens ADD COLUMN revoked_reason TEXT;
UPDATE tokens SET last_used_at = created_at;
CREATE INDEX tokens_client ON tokens (client_id);

-- Every user who uploaded a blob's bytes (the first one is `blobs.uploaded_by`): naming a
-- blob in a mutation needs an upload of one's own or a case one may see that names it, and
-- the upload quota counts each user's own uploads.
CREATE TABLE blob_uploads (
    sha256      TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    size        INTEGER NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (sha256, user_id)
);
CREATE INDEX blob_uploads_user ON blob_uploads (user_id, uploaded_at);
INSERT INTO blob_uploads (sha256, user_id, size, uploaded_at)
    SELECT sha256, uploaded_by, size, created_at FROM blobs;
