"""The curated clip library: STT clips with ground truth and spoken S2S questions."""
