"""The `random` module on the platform's random source (sequences differ from CPython's Mersenne Twister)."""

import _random

__all__ = ["random", "randint", "randrange", "choice", "choices", "shuffle", "sample", "uniform", "seed",
           "getrandbits", "Random", "SystemRandom"]


class Random:
    def __init__(self, x=None):
        self.seed(x)

    def seed(self, a=None, version=2):
        _random.seed(a)

    def random(self):
        return _random.random()

    def getrandbits(self, k):
        return _random.getrandbits(k)

    def uniform(self, a, b):
        return a + (b - a) * self.random()

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            if start <= 0:
                raise ValueError("empty range for randrange()")
            return self._randbelow(start)
        width = stop - start
        if step == 1:
            if width <= 0:
                raise ValueError("empty range for randrange() (%d, %d, %d)" % (start, stop, width))
            return start + self._randbelow(width)
        n = (width + step - 1) // step if step > 0 else (width + step + 1) // step
        if n <= 0:
            raise ValueError("empty range for randrange()")
        return start + step * self._randbelow(n)

    def randint(self, a, b):
        return self.randrange(a, b + 1)

    def _randbelow(self, n):
        return int(self.random() * n)

    def choice(self, seq):
        if not len(seq):
            raise IndexError("Cannot choose from an empty sequence")
        return seq[self._randbelow(len(seq))]

    def choices(self, population, weights=None, *, cum_weights=None, k=1):
        n = len(population)
        if weights is None and cum_weights is None:
            return [population[self._randbelow(n)] for _ in range(k)]
        if cum_weights is None:
            cum_weights = []
            total = 0
            for w in weights:
                total += w
                cum_weights.append(total)
        total = cum_weights[-1]
        out = []
        for _ in range(k):
            r = self.random() * total
            for i, c in enumerate(cum_weights):
                if r < c:
                    out.append(population[i])
                    break
        return out

    def shuffle(self, x):
        for i in reversed(range(1, len(x))):
            j = self._randbelow(i + 1)
            x[i], x[j] = x[j], x[i]

    def sample(self, population, k, *, counts=None):
        pool = list(population)
        n = len(pool)
        if not 0 <= k <= n:
            raise ValueError("Sample larger than population or is negative")
        result = []
        for i in range(k):
            j = self._randbelow(n - i)
            result.append(pool[j])
            pool[j] = pool[n - i - 1]
        return result

    def gauss(self, mu=0.0, sigma=1.0):
        total = 0.0
        for _ in range(12):
            total += self.random()
        return mu + (total - 6.0) * sigma


SystemRandom = Random
_inst = Random()
seed = _inst.seed
random = _inst.random
uniform = _inst.uniform
randint = _inst.randint
choice = _inst.choice
randrange = _inst.randrange
sample = _inst.sample
shuffle = _inst.shuffle
choices = _inst.choices
getrandbits = _inst.getrandbits
gauss = _inst.gauss
