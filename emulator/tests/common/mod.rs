//! Helpers shared by the integration tests: an emulator, a logged-in reqwest client, small
//! request wrappers and fixtures.
#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

use approvalstudio_emulator::{Emulator, EmulatorConfig};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};

/// Runs a test body with a time bound.
pub async fn bounded<F: Future<Output = ()>>(secs: u64, f: F) {
    tokio::time::timeout(Duration::from_secs(secs), f)
        .await
        .expect("test timed out");
}

/// A response: status, JSON (or `Value::String` of a non-JSON body), headers.
pub struct Resp {
    pub status: u16,
    pub json: Value,
    pub text: String,
    pub headers: HeaderMap,
}

impl Resp {
    pub fn result(&self) -> &Value {
        &self.json["result"]
    }
}

pub struct Ctx {
    pub emu: Emulator,
    pub http: reqwest::Client,
    pub token: String,
}

pub fn fast_config() -> EmulatorConfig {
    EmulatorConfig::default()
        .processing_delay(Duration::from_millis(20))
        .transit_delay(Duration::from_millis(100))
}

impl Ctx {
    pub async fn new() -> Ctx {
        Self::with(fast_config()).await
    }

    pub async fn with(cfg: EmulatorConfig) -> Ctx {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let emu = Emulator::start(cfg).await.expect("emulator starts");
        let http = reqwest::Client::builder().build().unwrap();
        let mut ctx = Ctx {
            emu,
            http,
            token: String::new(),
        };
        ctx.token = ctx.login(&ctx.emu.username(), &ctx.emu.password()).await;
        ctx
    }

    pub async fn login(&self, user: &str, pw: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "token/login",
                Some(json!({"userName": user, "password": pw})),
                false,
            )
            .await;
        assert_eq!(r.status, 200, "login: {}", r.text);
        r.result()["token"].as_str().unwrap().to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1/{}", self.emu.url(), path)
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>, auth: bool) -> Resp {
        let mut rb = self.http.request(method, self.url(path));
        if auth {
            rb = rb.bearer_auth(&self.token);
        }
        if let Some(b) = body {
            rb = rb
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        Self::resp(rb.send().await.expect("request sent")).await
    }

    pub async fn resp(r: reqwest::Response) -> Resp {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
        Resp {
            status,
            json,
            text,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.call(Method::GET, path, None, true).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(body), true).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.call(Method::PUT, path, Some(body), true).await
    }
    pub async fn put_q(&self, path: &str) -> Resp {
        self.call(Method::PUT, path, None, true).await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.call(Method::DELETE, path, None, true).await
    }
    pub async fn raw(&self, method: Method, path: &str, ctype: &str, body: &'static str) -> Resp {
        let r = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .header("Content-Type", ctype)
            .body(body)
            .send()
            .await
            .unwrap();
        Self::resp(r).await
    }

    pub async fn me(&self) -> String {
        self.get("user/loggedin").await.result()["userUID"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn client(&self) -> Value {
        self.get("users").await.result()[0].clone()
    }

    pub async fn user_uid(&self, email: &str) -> String {
        let c = self.client().await;
        c["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .unwrap()["userUID"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn project(&self, name: &str) -> String {
        let me = self.me().await;
        let r = self
            .post(
                "project",
                json!({"projectName": name, "projectOwnersUIDS": [me]}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.result()["projectUID"].as_str().unwrap().to_string()
    }

    pub async fn upload_to(&self, query: &str, part: &str, name: &str, bytes: Vec<u8>) -> Resp {
        let form = reqwest::multipart::Form::new().part(
            part.to_string(),
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        let r = self
            .http
            .post(self.url(&format!("asset/upload?{query}")))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        Self::resp(r).await
    }

    pub async fn upload(&self, project: &str, name: &str, bytes: Vec<u8>) -> String {
        let r = self
            .upload_to(&format!("ProjectUID={project}"), "FileName", name, bytes)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.result()["assetUID"].as_str().unwrap().to_string()
    }

    pub async fn wait_asset(&self, asset: &str) -> Value {
        for _ in 0..200 {
            let r = self.get(&format!("asset?AssetUID={asset}")).await;
            let st = r.result()["status"].as_str().unwrap_or("").to_string();
            if st == "Processed" || st == "Failed" {
                return r.result().clone();
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("asset {asset} never processed");
    }

    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let mut rb = self
            .http
            .request(method, format!("{}/_emulator/{path}", self.emu.url()));
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        Self::resp(rb.send().await.unwrap()).await
    }
}

/// A small PNG.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut buf = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut buf, image::ImageFormat::Png)
        .unwrap();
    buf.into_inner()
}

/// A small JPEG.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([(x % 256) as u8, 10, 200]));
    let mut buf = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut buf, image::ImageFormat::Jpeg)
        .unwrap();
    buf.into_inner()
}

/// A real PDF with `pages` pages.
pub fn pdf(pages: usize) -> Vec<u8> {
    let lines: Vec<String> = (0..pages * 48).map(|i| format!("line {i}")).collect();
    approvalstudio_emulator::pdf::render("Test", &lines)
}

/// Asserts a 400 problem-details body naming `field`.
pub fn assert_problem(r: &Resp, field: &str) {
    assert_eq!(r.status, 400, "expected 400 for {field}: {}", r.text);
    assert_eq!(r.json["status"], 400);
    assert_eq!(r.json["title"], "One or more validation errors occurred.");
    assert_eq!(
        r.json["type"],
        "https://tools.ietf.org/html/rfc7231#section-6.5.1"
    );
    assert!(r.json["traceId"].as_str().unwrap().starts_with('|'));
    assert!(
        r.json["errors"][field].is_array(),
        "errors should name {field}: {}",
        r.text
    );
}

/// Asserts an error envelope.
pub fn assert_envelope(r: &Resp, status: u16, msg_part: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.json["version"], "1.0");
    let m = r.json["message"].as_str().unwrap_or_default();
    assert!(
        m.contains(msg_part),
        "message `{m}` should contain `{msg_part}`"
    );
}

impl Ctx {
    /// POST a multipart form of text fields.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let r = self
            .http
            .post(self.url(path))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        Self::resp(r).await
    }
}

/// POSTs a multipart upload (`FileName` = `bytes` named `name`) to `path_query`.
pub async fn upload_at(c: &Ctx, path_query: &str, name: &str, bytes: Vec<u8>) -> Resp {
    let form = reqwest::multipart::Form::new().part(
        "FileName",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let r = c
        .http
        .post(c.url(path_query))
        .bearer_auth(&c.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    Ctx::resp(r).await
}
