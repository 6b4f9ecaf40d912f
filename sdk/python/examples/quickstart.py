"""Labbook quickstart: train a tiny logistic regression in plain Python and log it.

Run it from a VS Code terminal (where `import labbook` works without an install), then click the
run in the Labbook sidebar: its charts grow while it trains. Change `config` and run it again to
get a second run to compare.
"""

import math
import random
import time

import labbook

config = {"learning_rate": 0.5, "epochs": 60, "batch_size": 16, "noise": 0.3, "seed": 0}
run = labbook.init(project="quickstart", config=config, tags=["example"],
                   description="Logistic regression on two noisy blobs, in plain Python")

rng = random.Random(config["seed"])


def blob(label, n):
    cx, cy = (1.0, 1.0) if label else (-1.0, -1.0)
    return [((cx + rng.gauss(0, 1 + config["noise"]), cy + rng.gauss(0, 1 + config["noise"])), label)
            for _ in range(n)]


data = blob(0, 200) + blob(1, 200)
rng.shuffle(data)
train, val = data[:320], data[320:]
w = [0.0, 0.0]
b = 0.0


def predict(x):
    z = w[0] * x[0] + w[1] * x[1] + b
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def evaluate(rows):
    loss = acc = 0.0
    for x, y in rows:
        p = predict(x)
        loss -= math.log(p if y else 1 - p)
        acc += (p > 0.5) == bool(y)
    return loss / len(rows), acc / len(rows)


for epoch in range(config["epochs"]):
    for i in range(0, len(train), config["batch_size"]):
        batch = train[i:i + config["batch_size"]]
        gw0 = gw1 = gb = 0.0
        for x, y in batch:
            err = predict(x) - y
            gw0 += err * x[0]
            gw1 += err * x[1]
            gb += err
        lr = config["learning_rate"] / len(batch)
        w[0] -= lr * gw0
        w[1] -= lr * gw1
        b -= lr * gb
    train_loss, train_acc = evaluate(train)
    val_loss, val_acc = evaluate(val)
    labbook.log({"train/loss": train_loss, "train/acc": train_acc, "val/loss": val_loss, "val/acc": val_acc}, step=epoch)
    time.sleep(0.1)  # slow enough to watch the charts grow

labbook.note("Final weights: w = (%.3f, %.3f), b = %.3f" % (w[0], w[1], b))
labbook.finish()
print("done: run %s, val/acc %.3f; see it in the Labbook sidebar" % (run.name, val_acc))
