#!/usr/bin/env python3
"""Train a small PyTorch MLP on the two-moons data and log it with Labbook.

Needs PyTorch (pip install torch).

    python3 demo/train_torch.py --epochs 20 --logdir my-workspace/labbook

Logs the config, the model's size, per epoch train/loss, train/acc, val/loss, val/acc,
train/grad_norm and lr, system metrics (every --system-interval seconds), the data set
(with its hash) and the final weights as an artifact (checkpoints/model.pt).
"""

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                                "sdk", "python"))

import labbook  # noqa: E402
from labbook.integrations.torch import grad_norm, log_lr, log_model_info, save_checkpoint  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as moons  # noqa: E402  (the plain-Python demo: the same two-moons data)


def two_moons(n, noise, rng):
    """train.py's data set as (x, y, label) rows."""
    return [(x, y, label) for (x, y), label in moons.two_moons(n, noise, rng)]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--project", default="moons-torch")
    p.add_argument("--name", default=None)
    p.add_argument("--logdir", default=None)
    p.add_argument("--system-interval", type=float, default=None,
                   help="seconds between system metric samples (default 10)")
    p.add_argument("--sleep", type=float, default=0.0, help="seconds to sleep per epoch")
    args = p.parse_args(argv)

    try:
        import torch
    except ImportError:
        sys.exit("train_torch.py needs PyTorch (pip install torch)")

    torch.manual_seed(args.seed)
    rng = random.Random(1234)
    train_rows, val_rows = two_moons(512, 0.2, rng), two_moons(256, 0.2, rng)
    data_dir = os.path.join(os.path.dirname(os.path.abspath(args.logdir or "labbook")), "data")
    os.makedirs(data_dir, exist_ok=True)
    data_file = os.path.join(data_dir, "moons-train.csv")
    with open(data_file, "w") as f:
        f.write("x,y,label\n")
        f.writelines("%.6f,%.6f,%d\n" % r for r in train_rows)

    def tensors(rows):
        x = torch.tensor([[r[0], r[1]] for r in rows], dtype=torch.float32)
        y = torch.tensor([r[2] for r in rows], dtype=torch.float32).unsqueeze(1)
        return x, y

    (xt, yt), (xv, yv) = tensors(train_rows), tensors(val_rows)
    model = torch.nn.Sequential(torch.nn.Linear(2, args.hidden), torch.nn.Tanh(),
                                torch.nn.Linear(args.hidden, args.hidden), torch.nn.Tanh(),
                                torch.nn.Linear(args.hidden, 1))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, args.epochs))
    loss_fn = torch.nn.BCEWithLogitsLoss()

    options = {}
    if args.system_interval:
        options["system_interval"] = args.system_interval
    config = {"lr": args.lr, "epochs": args.epochs, "batch_size": args.batch_size,
              "seed": args.seed, "model": {"hidden": args.hidden, "layers": 2},
              "optimizer": {"name": "adam", "schedule": "cosine"}}
    with labbook.init(project=args.project, name=args.name or "mlp-h%d-lr%g" % (args.hidden, args.lr),
                      config=config, logdir=args.logdir, tags=["torch"], **options) as run:
        print("run %s -> %s" % (run.id, run.path), flush=True)
        log_model_info(model)
        run.log_dataset("moons-train", path=data_file, context="training",
                        description="512 two-moons points")
        for epoch in range(args.epochs):
            model.train()
            perm = torch.randperm(len(xt))
            total, correct, norms = 0.0, 0, []
            for start in range(0, len(xt), args.batch_size):
                idx = perm[start:start + args.batch_size]
                opt.zero_grad()
                logits = model(xt[idx])
                loss = loss_fn(logits, yt[idx])
                loss.backward()
                norms.append(grad_norm(model))
                opt.step()
                total += loss.item() * len(idx)
                correct += int(((logits > 0).float() == yt[idx]).sum())
            log_lr(opt, step=epoch)
            sched.step()
            model.eval()
            with torch.no_grad():
                vlogits = model(xv)
                val_loss = loss_fn(vlogits, yv).item()
                val_acc = ((vlogits > 0).float() == yv).float().mean().item()
            run.log({"train/loss": total / len(xt), "train/acc": correct / len(xt),
                     "train/grad_norm": sum(norms) / len(norms),
                     "val/loss": val_loss, "val/acc": val_acc}, step=epoch)
            if epoch % 5 == 0 or epoch == args.epochs - 1:
                print("epoch %3d  train/loss %.4f  val/acc %.3f" % (epoch, total / len(xt), val_acc),
                      flush=True)
            if args.sleep:
                time.sleep(args.sleep)
        save_checkpoint(model.state_dict(), "model.pt")
        run.note("Final **val/acc %.3f**." % val_acc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
