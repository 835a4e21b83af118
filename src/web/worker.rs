//! Asking a Web Worker and awaiting its answer: each message carries an
//! `id` the worker sends back with its answer. Messages without a known id
//! are ignored (PDF.js, running inside a worker, announces itself). A
//! worker that fails to load or crashes answers every waiting call, and
//! every later one, with why.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

type Waiting = Rc<RefCell<HashMap<u32, js_sys::Function>>>;

/// A worker that answers messages by id; terminated when dropped.
pub struct Rpc {
    worker: web_sys::Worker,
    waiting: Waiting,
    next: Cell<u32>,
    /// Why the worker cannot work (it failed to load or crashed).
    broken: Rc<RefCell<Option<String>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// Property `key` of a JS object (undefined when missing).
pub fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

impl Rpc {
    /// Starts the worker at `url` (a module worker when `module`).
    pub fn new(url: &str, module: bool, what: &'static str) -> Result<Self, JsValue> {
        let options = web_sys::WorkerOptions::new();
        if module {
            options.set_type(web_sys::WorkerType::Module);
        }
        let worker = web_sys::Worker::new_with_options(url, &options)?;
        let waiting: Waiting = Rc::default();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new({
            let waiting = waiting.clone();
            move |e: web_sys::MessageEvent| {
                let data = e.data();
                let Some(id) = get(&data, "id").as_f64() else {
                    return;
                };
                if let Some(resolve) = waiting.borrow_mut().remove(&(id as u32)) {
                    let _ = resolve.call1(&JsValue::NULL, &data);
                }
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let broken: Rc<RefCell<Option<String>>> = Rc::default();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new({
            let (waiting, broken) = (waiting.clone(), broken.clone());
            move |_| {
                let why = format!("the {what} worker failed to start");
                let failed = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&failed, &"message".into(), &why.clone().into());
                let _ = js_sys::Reflect::set(&failed, &"problem".into(), &"unavailable".into());
                *broken.borrow_mut() = Some(why);
                for (_, resolve) in waiting.borrow_mut().drain() {
                    let _ = resolve.call1(&JsValue::NULL, &failed);
                }
            }
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Rpc {
            worker,
            waiting,
            next: Cell::new(0),
            broken,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Why the worker cannot answer, if it cannot.
    pub fn broken(&self) -> Option<String> {
        self.broken.borrow().clone()
    }

    /// Sends `message` (an object; its `id` is set here), transferring
    /// `transfer`, and waits for the answer.
    pub async fn call(
        &self,
        message: &js_sys::Object,
        transfer: Option<&js_sys::Array>,
    ) -> Result<JsValue, String> {
        if let Some(why) = self.broken() {
            return Err(why);
        }
        let id = self.next.get();
        self.next.set(id.wrapping_add(1));
        js_sys::Reflect::set(message, &"id".into(), &id.into())
            .map_err(|e| super::error::js_message(&e))?;
        let answer = js_sys::Promise::new(&mut |resolve, _| {
            self.waiting.borrow_mut().insert(id, resolve);
        });
        let sent = match transfer {
            Some(t) => self.worker.post_message_with_transfer(message, t),
            None => self.worker.post_message(message),
        };
        if let Err(e) = sent {
            self.waiting.borrow_mut().remove(&id);
            return Err(super::error::js_message(&e));
        }
        JsFuture::from(answer)
            .await
            .map_err(|e| super::error::js_message(&e))
    }
}

impl Drop for Rpc {
    fn drop(&mut self) {
        self.worker.terminate();
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
    }
}

/// A message object with these fields.
pub fn message(fields: &[(&str, &JsValue)]) -> js_sys::Object {
    let m = js_sys::Object::new();
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&m, &(*k).into(), v);
    }
    m
}
