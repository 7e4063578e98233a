"""The two phases of a round: generate (independent solutions) and evaluate (critique, verdict).

Each phase is resumable: progress is initialised in one state write (together with the
operator comments it carries), and every later step is guarded by persisted progress.
"""

from __future__ import annotations

import logging

from arena.consensus import prompts, verify
from arena.consensus.comments import assign_to_phase, comments_for
from arena.consensus.extraction import Decision, Verdict, parse_verdict
from arena.consensus.report import archive, archive_verdict, write_winner
from arena.consensus.runtime import Runtime
from arena.consensus.state import (
    ContextMode,
    Phase,
    Progress,
    ProgressStatus,
    RoundRecord,
    VerifyMode,
    VerifyResult,
    VerifyWhere,
)
from arena.consensus.turns import ensure_quorum, run_turns

__all__ = ["evaluate", "generate"]

log = logging.getLogger(__name__)


def generate(rt: Runtime) -> None:
    """Every live agent solves (round 1 or fresh context: a new agent) or revises its solution."""
    state, config = rt.state, rt.state.config
    if not state.generate_progress:
        fresh = state.round == 0 or config.context is ContextMode.FRESH
        state.prev_solutions, state.prev_critiques = state.solutions, state.critiques
        state.solutions = {}
        state.generate_progress = {a: Progress(launch=fresh) for a in state.alive()}
        assign_to_phase(rt.arena_dir, state)
        rt.save()
    log.info("Round %d of %d: generate", state.round + 1, config.max_rounds)
    modifications = state.rounds[-1].modifications if state.rounds else ""
    built = {}
    for alias in state.generate_progress:
        notes = comments_for(rt.arena_dir, state, alias)
        if state.round == 0:
            built[alias] = prompts.solve_prompt(
                config.task, alias, state.round, config.max_rounds, notes
            )
        else:
            built[alias] = prompts.revise_prompt(
                config.task,
                alias,
                state.round,
                config.max_rounds,
                state.prev_solutions,
                state.prev_critiques,
                modifications,
                config.seed,
                notes,
            )
    run_turns(rt, state.generate_progress, built, "solution", state.solutions.__setitem__)
    ensure_quorum(rt)
    for alias, text in sorted(state.solutions.items()):
        archive(rt.arena_dir, state.round, "generate", _model(rt, alias), "solution", text, "md")
    state.phase = Phase.EVALUATE
    state.critique_progress, state.verdict_progress, state.judge = {}, None, None
    state.verdict_text, state.verify_results, state.verify_output = None, None, None
    state.verify_progress = None
    rt.save()


def evaluate(rt: Runtime) -> None:
    """Critique round, then the judge's verdict, then verify and the round's outcome."""
    _critique(rt)
    verdict = _verdict(rt)
    _decide(rt, verdict)


def _critique(rt: Runtime) -> None:
    state, config = rt.state, rt.state.config
    if not state.critique_progress:
        state.critiques = {}
        state.critique_progress = {a: Progress() for a in state.alive() if a in state.solutions}
        assign_to_phase(rt.arena_dir, state)
        rt.save()
    log.info("Round %d of %d: critique", state.round + 1, config.max_rounds)
    solutions = {a: t for a, t in state.solutions.items()}
    built = {
        alias: prompts.critique_prompt(
            alias,
            state.round,
            config.max_rounds,
            solutions,
            config.seed,
            comments_for(rt.arena_dir, state, alias),
        )
        for alias in state.critique_progress
    }
    run_turns(rt, state.critique_progress, built, "critique", state.critiques.__setitem__)
    ensure_quorum(rt)
    for alias, text in sorted(state.critiques.items()):
        archive(rt.arena_dir, state.round, "evaluate", _model(rt, alias), "critique", text, "md")


def _next_judge(rt: Runtime) -> str:
    """Rotate through the live aliases, continuing after the previous judge."""
    alive = rt.state.alive()
    history = rt.state.judge_history
    if not history:
        return alive[0]
    order = sorted(rt.state.aliases)
    start = order.index(history[-1]) + 1
    rotated = order[start:] + order[:start]
    return next(a for a in rotated if a in alive)


def _verdict(rt: Runtime) -> Verdict:
    state, config = rt.state, rt.state.config
    while True:
        if state.verdict_progress is None or state.judge is None:
            judge = _next_judge(rt)
            state.judge, state.verdict_progress = judge, Progress()
            state.judge_history.append(judge)
            rt.save()
            log.info("Judge for round %d: %s", state.round + 1, judge)
        judge = state.judge
        if state.verdict_progress.status is not ProgressStatus.DONE:
            prompt = prompts.verdict_prompt(
                judge,
                state.round,
                config.max_rounds,
                config.consensus_threshold,
                {a: t for a, t in state.solutions.items() if a in state.alive()},
                state.critiques,
                config.seed,
            )
            run_turns(
                rt,
                {judge: state.verdict_progress},
                {judge: prompt},
                "verdict",
                lambda _alias, text: setattr(state, "verdict_text", text),
            )
        if not state.aliases[judge].failed:
            break
        ensure_quorum(rt)
        state.verdict_progress, state.judge = None, None
    parsed = parse_verdict(state.verdict_text or "", sorted(state.aliases))
    if parsed is None:
        log.warning("The verdict could not be parsed; treating it as CONTINUE with score 1")
        parsed = Verdict(decision=Decision.CONTINUE, convergence_score=1)
    return parsed


def _decide(rt: Runtime, verdict: Verdict) -> None:
    state, config = rt.state, rt.state.config
    judge = str(state.judge)
    base = verdict.base_solution if verdict.base_solution in state.solutions else None
    record = RoundRecord(
        round=state.round,
        judge=judge,
        judge_model=_model(rt, judge),
        decision=verdict.decision.value,
        convergence_score=verdict.convergence_score,
        base_solution=base,
        base_model=_model(rt, base) if base else None,
        self_preference=base == judge,
        remaining_disagreements=verdict.remaining_disagreements,
        modifications=verdict.modifications,
        failed_agents=[a for a, s in sorted(state.aliases.items()) if s.failed],
    )
    agreed = (
        verdict.decision is Decision.CONSENSUS
        and verdict.convergence_score >= config.consensus_threshold
    )
    if agreed and config.verify_commands:
        record.verify, record.verify_passed = _verify(rt, base or judge)
        if not record.verify_passed and config.verify_mode is VerifyMode.GATING:
            log.warning("Verify failed in gating mode: overriding consensus, another round")
            agreed = False
            record.outcome = "verify-failed"
    record.outcome = "consensus" if agreed else (record.outcome or "continue")
    archive_verdict(rt.arena_dir, record, state.verdict_text or "")
    state.rounds.append(record)
    if agreed or state.round + 1 >= config.max_rounds:
        state.phase, state.consensus = Phase.DONE, agreed
        state.winner = base or judge
        state.final_verdict = state.verdict_text
        if not agreed:
            state.stop_reason = f"No consensus after {config.max_rounds} round(s)."
        write_winner(rt.arena_dir, state)
    else:
        state.round += 1
        state.phase, state.generate_progress = Phase.GENERATE, {}
    rt.save()


def _verify(rt: Runtime, winner: str) -> tuple[list[VerifyResult], bool]:
    """Run (or ask for) the verify commands; results are persisted command by command."""
    state, config = rt.state, rt.state.config
    slot = state.aliases[winner]
    if config.verify_where is VerifyWhere.LOCAL:
        verify.run_local(state, str(slot.branch or config.base_branch), rt.save)
    elif state.verify_results is None:
        if state.verify_progress is None:
            state.verify_progress = Progress()
            rt.save()
        if state.verify_progress.status is not ProgressStatus.DONE:
            run_turns(
                rt,
                {winner: state.verify_progress},
                {winner: verify.agent_verify_prompt(config.verify_commands)},
                "verification",
                lambda _alias, text: setattr(state, "verify_output", text),
            )
        state.verify_results = verify.parse_agent_report(
            config.verify_commands, state.verify_output or ""
        )
        rt.save()
    results = list(state.verify_results or [])
    for result in results:
        log.info("verify `%s` → exit %d", result.command, result.exit_code)
    return results, all(r.exit_code == 0 for r in results)


def _model(rt: Runtime, alias: str) -> str:
    return rt.state.aliases[alias].model
