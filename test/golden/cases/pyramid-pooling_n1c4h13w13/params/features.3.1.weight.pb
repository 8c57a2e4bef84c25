Bfeatures.3.1.weightJóU>“à
>Oƒ<>‰õ¾