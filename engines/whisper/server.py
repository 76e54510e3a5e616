"""
The Whisper engine: faster-whisper behind the OpenAI-compatible transcription API.

    <venv>/bin/python engines/whisper/server.py --host 127.0.0.1 --port 8090

Environment:
    WHISPER_MODEL        tiny.en (default, English) | base (multilingual, detects the language)
    WHISPER_MODEL_DIR    a CTranslate2 model folder to load instead (its model.bin is hashed too)
    WHISPER_THREADS      CPU threads per transcription (default 1: on 2 shared cores 1 beat 2)
    WHISPER_CONCURRENCY  transcriptions at once (default 1)
    WHISPER_QUEUE        requests that may wait for a slot (default 16); beyond: 503 + Retry-After
    WHISPER_MAX_UPLOAD_BYTES  larger bodies get 413 (default 256 MiB; a 60 s chunk is 1.9 MB)

HTTP:
    GET  /healthz                    200 while the process is up
    GET  /readyz                     200 once the model is loaded, else 503
    POST /v1/audio/transcriptions    multipart (file, model, language, prompt, response_format,
                                     timestamp_granularities[], temperature): verbose_json, json or text

The model is loaded once per process, never per request. Decoding: VAD on (Silero, inside
faster-whisper), word timestamps, condition_on_previous_text off (no hallucinated repeats over
silence), beam 5, int8. `prompt` (vocabulary: product and competitor names) goes to Whisper as
hotwords, not as the initial prompt: with condition_on_previous_text off, faster-whisper puts the
initial prompt before the first 30 s window only, and hotwords before every window.

Why the standard library's HTTP server and not a framework: the service has three routes, one
request type and no state besides the model; ThreadingHTTPServer plus email.parser (multipart)
covers it, and every extra package would ride along in the image and in the pinned requirements.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import hashlib
import json
import logging
import os
import select
import signal
import socket
import sys
import tempfile
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOG = logging.getLogger("whisper-engine")

MODELS = ("tiny.en", "base")

# How every request is decoded (bench/drivers/bare-whisper.py runs the bare engine with these too).
# Temperature keeps faster-whisper's fallback schedule: a window whose text repeats itself
# (compression ratio > 2.4) is decoded again hotter instead of looping.
DECODE_OPTIONS: dict[str, Any] = {
    "beam_size": 5,
    "word_timestamps": True,
    "vad_filter": True,
    "condition_on_previous_text": False,
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


def env_int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}")
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, got {value}")
    return value


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Engine:
    """One loaded model and the slots that bound how many transcriptions run at once."""

    def __init__(self, name: str, model_dir: str, threads: int, concurrency: int, queue: int):
        self.name = name
        self.model_dir = model_dir
        self.threads = threads
        self.concurrency = concurrency
        self.queue = queue
        self.model: Any = None
        self.sha256: str | None = None
        self.load_error: str | None = None
        self.english_only = name.endswith(".en")
        self._slots = threading.BoundedSemaphore(concurrency)
        self._waiting = 0
        self._lock = threading.Lock()

    def load(self) -> None:
        try:
            model_bin = os.path.join(self.model_dir, "model.bin")
            if not os.path.isfile(model_bin):
                raise FileNotFoundError(f"no model.bin in {self.model_dir} (run scripts/setup/whisper.sh)")
            started = time.monotonic()
            self.sha256 = file_sha256(model_bin)
            from faster_whisper import WhisperModel  # heavy import: after the port is bound

            self.model = WhisperModel(
                self.model_dir,
                device="cpu",
                compute_type="int8",
                cpu_threads=self.threads,
                num_workers=self.concurrency,
            )
            # English-only models have 51864 tokens, multilingual ones more.
            self.english_only = not self.model.model.is_multilingual
            LOG.info(
                "model %s loaded from %s in %.1f s (sha256 %s, threads %d, concurrency %d)",
                self.name, self.model_dir, time.monotonic() - started, self.sha256, self.threads, self.concurrency,
            )
        except Exception as err:  # the process stays up and says why on /readyz
            self.load_error = f"{type(err).__name__}: {err}"
            LOG.error("model %s failed to load: %s", self.name, self.load_error)

    @property
    def ready(self) -> bool:
        return self.model is not None

    def acquire(self) -> None:
        with self._lock:
            if self._waiting >= self.queue + self.concurrency:
                # Retry-After: about one short chunk's transcription.
                raise ApiError(503, "ENGINE_BUSY", f"{self._waiting} requests in progress or waiting; try again", 5)
            self._waiting += 1
        self._slots.acquire()

    def release(self) -> None:
        self._slots.release()
        with self._lock:
            self._waiting -= 1

    def transcribe(self, path: str, language: str | None, prompt: str | None, client_gone) -> dict[str, Any]:
        if self.english_only and language and language != "en":
            raise ApiError(
                400, "unsupported_language", f"the model {self.name} supports English only, not language {language}"
            )
        import ctranslate2
        from faster_whisper.audio import decode_audio

        try:
            audio = decode_audio(path, sampling_rate=16000)
        except Exception as err:
            # Without our temp file's name: the client knows its file by another name.
            detail = str(err).replace(path, "the upload").split(": 'the upload'")[0]
            raise ApiError(400, "invalid_audio", f"could not decode the audio file: {detail}") from err
        duration = len(audio) / 16000.0
        started = time.monotonic()
        cpu0 = time.process_time()
        # The temperature fallback samples: a fixed seed per request makes the same audio give the
        # same transcript, so a chunk transcribed again after a crash reads as before.
        ctranslate2.set_random_seed(0)
        segments_iter, info = self.model.transcribe(
            audio,
            language="en" if self.english_only else language,
            hotwords=prompt or None,
            **DECODE_OPTIONS,
        )
        segments: list[dict[str, Any]] = []
        words: list[dict[str, Any]] = []
        for seg in segments_iter:
            # Nobody waits for the answer any more (the client timed out): stop decoding.
            if client_gone():
                raise ApiError(499, "client_closed", "the client closed the connection")
            seg_words = []
            for w in seg.words or []:
                item = {
                    "word": w.word.strip(),
                    "start": round(w.start, 3),
                    "end": round(w.end, 3),
                    "probability": round(w.probability, 4),
                }
                seg_words.append(item)
                words.append(item)
            segments.append(
                {
                    "id": seg.id,
                    "seek": seg.seek,
                    "start": round(seg.start, 3),
                    "end": round(seg.end, 3),
                    "text": seg.text,
                    "tokens": list(seg.tokens),
                    "temperature": seg.temperature,
                    "avg_logprob": seg.avg_logprob,
                    "compression_ratio": seg.compression_ratio,
                    "no_speech_prob": seg.no_speech_prob,
                }
            )
        return {
            "task": "transcribe",
            "language": info.language,
            "language_probability": round(info.language_probability, 4),
            "duration": round(duration, 3),
            "text": "".join(s["text"] for s in segments).strip(),
            "segments": segments,
            "words": words,
            # Our extras: what made the transcript, for its provenance.
            "model": self.name,
            "model_sha256": self.sha256,
            "engine": "faster-whisper",
            "processing_seconds": round(time.monotonic() - started, 3),
            "cpu_seconds": round(time.process_time() - cpu0, 3),
        }


def parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """multipart/form-data → {name: str | (filename, bytes)}; repeated names become lists."""
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    )
    if not msg.is_multipart():
        raise ApiError(400, "invalid_request", "the body is not multipart/form-data")
    fields: dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        value: Any = (filename or "upload", payload) if filename is not None else payload.decode("utf-8", "replace")
        if name in fields:
            prev = fields[name]
            fields[name] = (prev if isinstance(prev, list) else [prev]) + [value]
        else:
            fields[name] = value
    return fields


def make_handler(engine: Engine, max_upload: int):
    class Handler(BaseHTTPRequestHandler):
        server_version = "speech-coach-whisper/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args: Any) -> None:
            LOG.debug("%s %s", self.address_string(), fmt % args)

        def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def send_error_json(self, err: ApiError) -> None:
            headers = {"Retry-After": str(err.retry_after)} if err.retry_after else {}
            if err.status >= 500 or err.status == 413:
                headers["Connection"] = "close"
                self.close_connection = True
            self.send_json(err.status, {"error": {"code": err.code, "message": err.message}}, headers)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/healthz":
                self.send_json(200, {"status": "ok"})
            elif path == "/readyz":
                if engine.ready:
                    # pid: a supervisor checks that the engine answering is its own child.
                    self.send_json(
                        200,
                        {"status": "ready", "model": engine.name, "model_sha256": engine.sha256, "pid": os.getpid()},
                    )
                else:
                    reason = engine.load_error or "loading the model"
                    self.send_json(503, {"status": "not ready", "reason": reason, "model": engine.name})
            elif path in ("/v1/models", "/models"):
                self.send_json(200, {"object": "list", "data": [{"id": engine.name, "object": "model"}]})
            else:
                self.send_error_json(ApiError(404, "not_found", f"no route GET {path}"))

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            try:
                if path not in ("/v1/audio/transcriptions", "/audio/transcriptions"):
                    raise ApiError(404, "not_found", f"no route POST {path}")
                self.transcription()
            except ApiError as err:
                if err.status != 499:
                    self.send_error_json(err)
                else:
                    self.close_connection = True
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            except Exception as err:  # a bug of ours, said as such, never a hang
                LOG.exception("transcription failed")
                self.send_error_json(ApiError(500, "engine_error", f"{type(err).__name__}: {err}"))

        def client_gone(self) -> bool:
            try:
                readable, _, _ = select.select([self.connection], [], [], 0)
                if not readable:
                    return False
                return self.connection.recv(1, socket.MSG_PEEK) == b""
            except OSError:
                return True

        def transcription(self) -> None:
            if not engine.ready:
                raise ApiError(503, "not_ready", engine.load_error or "the model is still loading", 2)
            length = int(self.headers.get("Content-Length") or 0)
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                raise ApiError(411, "length_required", "send the body with a Content-Length")
            if length <= 0:
                raise ApiError(400, "invalid_request", "empty body: send multipart/form-data with a file field")
            if length > max_upload:
                raise ApiError(413, "file_too_large", f"the body has {length} bytes; at most {max_upload}")
            ctype = self.headers.get("Content-Type", "")
            if not ctype.lower().startswith("multipart/form-data"):
                raise ApiError(400, "invalid_request", "Content-Type must be multipart/form-data")
            body = self.rfile.read(length)
            fields = parse_multipart(ctype, body)
            del body
            upload = fields.get("file")
            if isinstance(upload, list):
                upload = upload[0]
            if not isinstance(upload, tuple) or not upload[1]:
                raise ApiError(400, "invalid_request", "no file: send the audio in the multipart field `file`")
            fmt = str(fields.get("response_format") or "json")
            if fmt not in ("json", "verbose_json", "text"):
                raise ApiError(400, "invalid_request", f"response_format {fmt} is not supported (json, verbose_json, text)")
            language = str(fields.get("language") or "").strip().lower() or None
            if language:
                language = language.split("-")[0].split("_")[0]
            prompt = str(fields.get("prompt") or "").strip() or None

            engine.acquire()
            try:
                with tempfile.NamedTemporaryFile(prefix="whisper-", suffix=os.path.splitext(upload[0])[1]) as f:
                    f.write(upload[1])
                    f.flush()
                    upload = None
                    fields.clear()
                    result = engine.transcribe(f.name, language, prompt, self.client_gone)
            finally:
                engine.release()
            if fmt == "text":
                data = (result["text"] + "\n").encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            elif fmt == "json":
                self.send_json(200, {"text": result["text"]})
            else:
                self.send_json(200, result)

    return Handler


def resolve_model_dir(name: str) -> str:
    override = os.environ.get("WHISPER_MODEL_DIR", "").strip()
    if override:
        return override
    # scripts/setup/whisper.sh lays the models out inside the venv.
    return os.path.join(sys.prefix, "models", name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args()

    logging.basicConfig(
        level=os.environ.get("WHISPER_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s whisper-engine: %(message)s",
        stream=sys.stderr,
    )
    name = os.environ.get("WHISPER_MODEL", "tiny.en").strip() or "tiny.en"
    if name not in MODELS and not os.environ.get("WHISPER_MODEL_DIR"):
        raise SystemExit(f"WHISPER_MODEL must be one of {', '.join(MODELS)} (or set WHISPER_MODEL_DIR), got {name!r}")
    engine = Engine(
        name,
        resolve_model_dir(name),
        threads=env_int("WHISPER_THREADS", 1),
        concurrency=env_int("WHISPER_CONCURRENCY", 1),
        queue=env_int("WHISPER_QUEUE", 16, minimum=0),
    )
    max_upload = env_int("WHISPER_MAX_UPLOAD_BYTES", 256 * 1024 * 1024)

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer((args.host, args.port), make_handler(engine, max_upload))
    LOG.info("listening on http://%s:%d (model %s loading)", args.host, server.server_address[1], name)

    def stop(signum: int, _frame: Any) -> None:
        LOG.info("signal %d: stopping", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # A supervisor that dies without stopping us closes our stdin: leave with it, no orphan.
    if os.environ.get("WHISPER_EXIT_WITH_STDIN") == "1":
        def watch_stdin() -> None:
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except Exception:
                pass
            LOG.info("stdin closed (the supervisor is gone): stopping")
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch_stdin, daemon=True).start()

    threading.Thread(target=engine.load, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.25)
    finally:
        server.server_close()
        LOG.info("stopped")


if __name__ == "__main__":
    main()
