"""A tiny random transformers model built from a config, with a tokenizer trained on the spot.

For tests, benchmarks and device checks of the transformers backend where no real model can be
downloaded: everything is made locally in a second. Its output is noise, but it is a real
Qwen2 architecture going through the real ``generate`` path (and takes LoRA adapters).
"""

from __future__ import annotations

from pathlib import Path

from codegen.backends.hf import _mod

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
SPECIALS = ["<|end|>", "<|pad|>", "<|system|>", "<|user|>", "<|assistant|>"]
CORPUS = [
    "def add(a, b):\n    return a + b\n",
    "```python\nprint('hello world')\n```\n",
    "function add(a, b) { return a + b; }\n",
    "Write a function that returns the sum of two numbers.",
    "for i in range(10):\n    if i % 2 == 0:\n        print(i)\n",
]


def build_tiny(target: Path, *, layers: int = 2, hidden: int = 64, seed: int = 0) -> Path:
    """Write a tiny Qwen2 model and tokenizer into ``target``; return it."""
    torch, tk, tf = (_mod(m) for m in ("torch", "tokenizers", "transformers"))
    Tokenizer, decoders, models = tk.Tokenizer, tk.decoders, tk.models
    pre_tokenizers, trainers = tk.pre_tokenizers, tk.trainers

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    raw.train_from_iterator(CORPUS * 4, trainer)
    tok = tf.PreTrainedTokenizerFast(tokenizer_object=raw, eos_token="<|end|>", pad_token="<|pad|>")
    tok.chat_template = CHAT_TEMPLATE
    config = tf.Qwen2Config(
        vocab_size=len(tok),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = tf.Qwen2ForCausalLM(config)
    target.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(target))
    tok.save_pretrained(str(target))
    return target


def build_lora(model_dir: Path, target: Path, *, seed: int = 1) -> Path:
    """A LoRA adapter with random (non-zero) weights for the tiny model: it changes outputs."""
    torch, peft, tf = (_mod(m) for m in ("torch", "peft", "transformers"))

    torch.manual_seed(seed)
    base = tf.AutoModelForCausalLM.from_pretrained(str(model_dir))
    config = peft.LoraConfig(
        r=4,
        lora_alpha=32,
        target_modules=["q_proj", "v_proj", "up_proj", "down_proj"],
        init_lora_weights=False,
    )
    peft.get_peft_model(base, config).save_pretrained(str(target))
    return target
