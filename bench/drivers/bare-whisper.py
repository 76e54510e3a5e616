"""
The bare engine for the benchmarks: faster-whisper in one process, the model loaded once, each
WAV transcribed with the engine service's own decode options (engines/whisper/server.py
DECODE_OPTIONS), no HTTP, no platform. Prints one JSON object on stdout.

    <venv>/bin/python bench/drivers/bare-whisper.py MODEL_DIR THREADS [--hotwords TEXT] WAV...
"""

import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../engines/whisper"))
from server import DECODE_OPTIONS  # noqa: E402

from faster_whisper import WhisperModel  # noqa: E402
from faster_whisper.audio import decode_audio  # noqa: E402


def main() -> None:
    model_dir, threads, *wavs = sys.argv[1:]
    hotwords = None
    if wavs[:1] == ["--hotwords"]:
        hotwords, wavs = wavs[1], wavs[2:]
    t0 = time.monotonic()
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=int(threads))
    load_ms = (time.monotonic() - t0) * 1000
    files = []
    cpu_start = time.process_time()
    wall_start = time.monotonic()
    for wav in wavs:
        f0, c0 = time.monotonic(), time.process_time()
        audio = decode_audio(wav, sampling_rate=16000)
        segments, _info = model.transcribe(audio, language="en", hotwords=hotwords, **DECODE_OPTIONS)
        words = [w.word.strip() for s in segments for w in (s.words or [])]
        files.append(
            {
                "wav": wav,
                "audioS": len(audio) / 16000,
                "ms": (time.monotonic() - f0) * 1000,
                "cpuS": time.process_time() - c0,
                "text": " ".join(words),
            }
        )
    print(
        json.dumps(
            {
                "loadMs": load_ms,
                "ms": (time.monotonic() - wall_start) * 1000,
                "cpuS": time.process_time() - cpu_start,
                "audioS": sum(f["audioS"] for f in files),
                "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "files": files,
            }
        )
    )


if __name__ == "__main__":
    main()
