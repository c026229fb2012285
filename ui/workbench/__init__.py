"""工作台: today's work from every capability."""
