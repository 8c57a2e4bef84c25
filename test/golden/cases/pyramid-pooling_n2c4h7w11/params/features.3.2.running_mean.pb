Bfeatures.3.2.running_meanJ¾
>