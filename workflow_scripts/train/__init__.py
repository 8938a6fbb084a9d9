"""Training: demo base model, SFT, reward model, GRPO."""
