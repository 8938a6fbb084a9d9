"""Chain-of-Empathy distillation from a teacher model, and the review gate."""
