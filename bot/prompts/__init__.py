"""Discussion prompts: custom and library prompts on a schedule."""
