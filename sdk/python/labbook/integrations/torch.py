"""Helpers for plain PyTorch training loops.

    import labbook
    from labbook.integrations.torch import log_model_info, log_lr, grad_norm, save_checkpoint

    run = labbook.init(project="mnist", config={"lr": 0.1})
    log_model_info(model)                      # params model.class, model.parameters, ...
    for epoch in range(epochs):
        for x, y in loader:
            loss = ...; loss.backward()
            labbook.log({"train/loss": loss, "train/grad_norm": grad_norm(model)})
            opt.step()
        log_lr(opt, step=epoch)                # metric "lr" (lr/group<i> for more groups)
    save_checkpoint(model.state_dict(), "model.pt")   # artifact checkpoints/model.pt
    labbook.finish()

Importable without torch; the helpers raise ImportError when torch is missing.
"""

import os

from . import resolve_run

__all__ = ["log_model_info", "log_lr", "grad_norm", "save_checkpoint"]


def _torch():
    try:
        import torch
    except ImportError:
        raise ImportError("labbook.integrations.torch needs PyTorch: pip install torch") from None
    return torch


def log_model_info(model, run=None, prefix="model"):
    """Log the model's class and parameter counts as params; returns them."""
    params = list(model.parameters())
    info = {
        "class": type(model).__name__,
        "parameters": int(sum(p.numel() for p in params)),
        "trainable_parameters": int(sum(p.numel() for p in params if p.requires_grad)),
    }
    resolve_run(run).log_params({prefix: info})
    return info


def log_lr(optimizer, step=None, run=None, key="lr"):
    """Log the optimizer's learning rate(s): ``lr``, or ``lr/group<i>`` for several groups."""
    groups = optimizer.param_groups
    if len(groups) == 1:
        values = {key: float(groups[0]["lr"])}
    else:
        values = {"%s/group%d" % (key, i): float(g["lr"]) for i, g in enumerate(groups)}
    resolve_run(run).log(values, step=step)
    return values


def grad_norm(model, norm_type=2.0):
    """The total gradient norm of the model's parameters (0.0 before backward())."""
    torch = _torch()
    grads = [p.grad.detach() for p in model.parameters() if p.grad is not None]
    if not grads:
        return 0.0
    norms = torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads])
    return float(torch.linalg.vector_norm(norms, norm_type).item())


def save_checkpoint(obj, name="model.pt", artifact_path="checkpoints", run=None):
    """``torch.save(obj)`` straight into the run's artifacts and record it; returns the path."""
    torch = _torch()
    run = resolve_run(run)
    folder = os.path.join(run.get_outputs_path(), *(artifact_path.split("/") if artifact_path
                                                      else []))
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    torch.save(obj, path)
    run.log_artifact(path, artifact_path)
    return path
