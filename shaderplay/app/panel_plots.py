"""Plots panel: loss (train and test, log scale option), accuracy for
classification, the learning rate actually used, and the weight matrices.
A white line marks the step shown while scrubbing the timeline; clicking the
loss plot scrubs to the snapshot at that step."""

from imgui_bundle import imgui

from . import panel_compare, plots, run_actions, scopes, view_actions
from .widgets import DIM


def draw(state, session) -> None:
    progress = session.run.progress
    timeline = session.run.timeline
    marker = session.step_count if timeline.scrubbing else None
    if session.trainer is None:
        imgui.text_colored(DIM, "no training (target 'none')")
    else:
        changed, log = imgui.checkbox("log scale", state.log_loss)
        if changed:
            view_actions.set_log_loss(state, session, log)
        if len(timeline) > 1:
            imgui.same_line()
            imgui.text_colored(DIM, "click: show that step")
        clicked = plots.loss_plot(progress.loss, state.log_loss, marker)
        if clicked is not None and len(timeline) > 1:
            run_actions.scrub_step(state, session, int(clicked))
    if session.compare is not None:
        panel_compare.results(state, session)
    if session.dataset.n_classes:
        acc = progress.accuracy
        imgui.text(f"accuracy {acc.last(1):.1%}" if len(acc) else "accuracy -")
        plots.series_plot("##accuracy", "accuracy", acc, height=5.0, marker=marker)
    if session.trainer is not None and len(progress.lr):  # none yet, or from a run file
        lr = progress.lr
        imgui.text(f"learning rate {lr.last(1):.3g}")
        plots.series_plot("##lr", "lr", lr, height=4.5, marker=marker)
    with scopes.tree_node("weight matrices") as opened:
        if opened:
            _weights(session.latest_network())


def _weights(net) -> None:
    size = imgui.get_content_region_avail().x
    for i in range(net.spec.depth):
        s = net.layout.layers[i]
        imgui.text_colored(DIM, f"W{i}: {s.n_out} x {s.n_in} ({s.activation})")
        plots.weight_heatmap(f"W{i}", net.W(i), size)
