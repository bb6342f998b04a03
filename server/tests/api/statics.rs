use crate::helpers::{assert_json_error, spawn};

#[tokio::test]
async fn the_pwa_is_served_with_the_right_caching() {
    let dist = tempfile::tempdir().unwrap();
    let p = dist.path();
    std::fs::write(p.join("index.html"), "<!doctype html><title>Onsite</title>").unwrap();
    std::fs::write(
        p.join("sw.js"),
        "self.addEventListener('install', () => {});",
    )
    .unwrap();
    std::fs::write(p.join("manifest.webmanifest"), "{}").unwrap();
    std::fs::write(p.join("onsite-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
    let app = spawn(false, Some(p.to_path_buf())).await;
    let get = |path: &str| app.http.get(app.url(path)).send();

    let res = get("/").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.text().await.unwrap().contains("Onsite"));
    for path in ["/sw.js", "/manifest.webmanifest", "/index.html"] {
        let res = get(path).await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-cache", "{path}");
    }
    let res = get("/onsite-0123456789abcdef_bg.wasm").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(res.headers()["content-type"], "application/wasm");

    // Client-side routes get the app shell; missing files and API paths do not.
    let res = get("/cases/123").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Onsite"));
    assert_json_error(get("/missing.js").await.unwrap(), 404, "not_found").await;
    assert_json_error(get("/api/v1/cases").await.unwrap(), 404, "not_found").await;
}

#[tokio::test]
async fn without_a_build_the_root_explains() {
    let app = spawn(false, None).await;
    let res = app.send(None, "GET /").await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("not built"));
}

/// The build's brotli and gzip copies are served as they are, to a browser that accepts them;
/// nothing static is compressed per request.
#[tokio::test]
async fn precompressed_files_are_served_to_browsers_that_accept_them() {
    let dist = tempfile::tempdir().unwrap();
    let p = dist.path();
    let js = "console.log('onsite');".repeat(200);
    std::fs::write(p.join("index.html"), "<!doctype html><title>Onsite</title>").unwrap();
    std::fs::write(p.join("index.html.br"), b"brotli index").unwrap();
    std::fs::write(p.join("app-0123456789abcdef.js"), &js).unwrap();
    std::fs::write(p.join("app-0123456789abcdef.js.br"), b"brotli bytes").unwrap();
    std::fs::write(p.join("app-0123456789abcdef.js.gz"), b"gzip bytes").unwrap();
    std::fs::write(p.join("plain-0123456789abcdef.css"), "body{}".repeat(200)).unwrap();
    let app = spawn(false, Some(p.to_path_buf())).await;
    let get = |path: &str, accept: &str| {
        app.http
            .get(app.url(path))
            .header("accept-encoding", accept)
            .send()
    };

    let res = get("/app-0123456789abcdef.js", "gzip, deflate, br")
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert!(res.headers()["vary"]
        .to_str()
        .unwrap()
        .to_lowercase()
        .contains("accept-encoding"));
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"brotli bytes");

    let res = get("/app-0123456789abcdef.js", "gzip").await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"gzip bytes");

    let res = get("/app-0123456789abcdef.js", "identity").await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.text().await.unwrap(), js);

    // A file the build left uncompressed is sent as it is, not compressed on the fly.
    let res = get("/plain-0123456789abcdef.css", "gzip, br")
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("content-encoding").is_none());

    // The app shell for a client-side route comes precompressed too.
    let res = get("/cases/123", "br").await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["cache-control"], "no-cache");
}
