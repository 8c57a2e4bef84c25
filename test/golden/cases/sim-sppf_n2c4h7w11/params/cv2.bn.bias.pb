Bcv2.bn.biasJ–pÛ¾äl
>Û3G»7Êe¾