"""BPU Bot: self-registration of informal workers for BPJS Ketenagakerjaan."""
