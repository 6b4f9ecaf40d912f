"""``engine="optuna"``: suggestions from an Optuna study kept in the sweep folder
(``optuna.journal``, Optuna's journal file storage), so Optuna's own tools can read it. The sweep's
trial log stays the record Labbook reads; each trial's Optuna number is kept in it."""

from . import store

JOURNAL = "optuna.journal"


class OptunaEngine(object):
    def __init__(self, sweep):
        try:
            import optuna
            from optuna.storages import JournalStorage
            from optuna.storages.journal import JournalFileBackend
        except ImportError:
            raise ImportError("engine=\"optuna\" needs Optuna: pip install optuna") from None
        self.optuna = optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.sweep = sweep
        path = "%s/%s" % (sweep.folder, JOURNAL)
        storage = JournalStorage(JournalFileBackend(path))
        direction = "minimize" if sweep.minimize else "maximize"
        sampler = {"random": optuna.samplers.RandomSampler,
                   "bayesian": optuna.samplers.TPESampler}[sweep.strategy](seed=sweep.definition.get("seed"))
        self.study = optuna.create_study(study_name=sweep.id, storage=storage, direction=direction,
                                         sampler=sampler, load_if_exists=True)
        self.distributions = {p.name: self._distribution(p) for p in sweep.space}

    def _distribution(self, p):
        d = self.optuna.distributions
        if p.kind == "cat":
            return d.CategoricalDistribution(p.values)
        if p.normal:
            raise ValueError("engine=\"optuna\": parameter %r: Optuna has no normal distribution" % p.name)
        import math
        lo = math.exp(p.low) if p.log else p.low
        hi = math.exp(p.high) if p.log else p.high
        if p.kind == "int":
            return d.IntDistribution(int(lo), int(hi), log=p.log, step=1 if p.log else int(p.q or 1))
        return d.FloatDistribution(lo, hi, log=p.log, step=None if p.log else p.q)

    def ask(self, number):
        trial = self.study.ask(self.distributions)
        return dict(trial.params), {"optuna_trial": trial.number}

    def _optuna_number(self, number):
        for rec in store.read_records(self.sweep.folder):
            if rec.get("t") == "suggest" and rec.get("trial") == number and "optuna_trial" in rec:
                return rec["optuna_trial"]
        return None

    def tell(self, number, value, pruned=False):
        ot = self._optuna_number(number)
        if ot is None:
            return
        state = self.optuna.trial.TrialState
        if value is not None:
            self.study.tell(ot, value)
        else:
            self.study.tell(ot, state=state.PRUNED if pruned else state.FAIL)
