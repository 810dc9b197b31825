AND StatusCode != {statusNot:String}
