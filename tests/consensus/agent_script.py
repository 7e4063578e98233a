"""A stand-in CLI coding agent for the local backend: reads the prompt file, edits, replies."""

from __future__ import annotations

import re
import sys
from pathlib import Path


def main() -> None:
    prompt = Path(sys.argv[1]).read_text()
    name = sys.argv[2]
    if "<verdict>" in prompt:
        base = re.findall(r"\bagent_[a-z]\b", prompt)[0]
        print(
            "<verdict>\ndecision: CONSENSUS\nconvergence_score: 9\n"
            f"remaining_disagreements: none\nbase_solution: {base}\nmodifications: none\n</verdict>"
        )
    elif "<critique>" in prompt:
        print(f"<critique>{name}: fine</critique>")
    else:
        Path("solution.txt").write_text(f"{name}\n")
        print(f"<solution>{name} wrote solution.txt</solution>")


if __name__ == "__main__":
    main()
